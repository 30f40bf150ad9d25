package dev.fovea.backend.cpu;

import static dev.fovea.architecture.ArchitectureRules.assertEveryPackageHasPackageInfo;
import static dev.fovea.architecture.ArchitectureRules.assertViolates;
import static dev.fovea.architecture.ArchitectureRules.fixture;
import static dev.fovea.architecture.ArchitectureRules.mainSources;
import static dev.fovea.architecture.ArchitectureRules.noDependencyOn;
import static dev.fovea.architecture.ArchitectureRules.packagesWithoutPackageInfo;
import static dev.fovea.architecture.ArchitectureRules.productionClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.architecture.ArchitectureRules;
import dev.fovea.backend.cpu.archfixture.PersistsWithJavaSerialization;
import dev.fovea.backend.cpu.archfixture.ReadsJavaSerialization;
import dev.fovea.backend.cpu.archfixture.UsesCore;
import dev.fovea.backend.cpu.archfixture.UsesJocl;
import dev.fovea.backend.cpu.archfixture.UsesOtherBackend;
import dev.fovea.backend.cpu.archfixture.WritesJavaSerialization;
import dev.fovea.backend.cpu.archfixture.cycle.a.CycleA;
import dev.fovea.backend.cpu.archfixture.cycle.b.CycleB;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This backend's boundaries: it sees the api alone, never core nor another backend. */
class CpuBackendArchitectureTest {
    static final JavaClasses PRODUCTION = productionClasses("dev.fovea.backend.cpu");

    static final ArchRule NO_CORE = noDependencyOn("dev.fovea.core..",
            "a backend implements the SPI in fovea-api and never sees core (nor gradients)");

    static final ArchRule NO_OTHER_BACKEND = noDependencyOn("dev.fovea.backend.opencl..",
            "backends are independent of each other; they meet only through the SPI");

    @Test
    void importsTheRealProductionClasses() {
        assertTrue(PRODUCTION.stream().anyMatch(c -> c.isAssignableTo(BackendProvider.class)),
                "no BackendProvider among the imported production classes");
        assertTrue(PRODUCTION.stream().noneMatch(c -> c.getPackageName().contains("archfixture")),
                "test fixtures leaked in");
    }

    @Test
    void neverDependsOnCore() {
        NO_CORE.check(PRODUCTION);
    }

    @Test
    void neverDependsOnTheOtherBackend() {
        NO_OTHER_BACKEND.check(PRODUCTION);
    }

    @Test
    void neverTouchesJocl() {
        ArchitectureRules.NO_JOCL.check(PRODUCTION);
    }

    @Test
    void hasNoPackageCycles() {
        ArchitectureRules.NO_PACKAGE_CYCLES.check(PRODUCTION);
    }

    @Test
    void neverUsesJavaSerializationStreams() {
        ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS.check(PRODUCTION);
    }

    @Test
    void noClassIsSerializable() {
        ArchitectureRules.NO_SERIALIZABLE_CLASSES.check(PRODUCTION);
    }

    @Test
    void everyPackageHasAPackageInfo() {
        assertEveryPackageHasPackageInfo(mainSources());
    }

    /** Each rule above, evaluated against a deliberately violating fixture, must report it. */
    @Nested
    class TheRulesBite {
        @Test
        void noCore() {
            assertViolates(NO_CORE, fixture(UsesCore.class), UsesCore.class);
        }

        @Test
        void noOtherBackend() {
            assertViolates(NO_OTHER_BACKEND, fixture(UsesOtherBackend.class), UsesOtherBackend.class);
        }

        @Test
        void noJocl() {
            assertViolates(ArchitectureRules.NO_JOCL, fixture(UsesJocl.class), UsesJocl.class);
        }

        @Test
        void noPackageCycles() {
            assertViolates(ArchitectureRules.NO_PACKAGE_CYCLES, fixture(CycleA.class, CycleB.class), CycleA.class);
        }

        @Test
        void noSerializationStreams() {
            assertViolates(ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS, fixture(ReadsJavaSerialization.class),
                    ReadsJavaSerialization.class);
            assertViolates(ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS, fixture(WritesJavaSerialization.class),
                    WritesJavaSerialization.class);
        }

        @Test
        void noSerializableClasses() {
            assertViolates(ArchitectureRules.NO_SERIALIZABLE_CLASSES, fixture(PersistsWithJavaSerialization.class),
                    PersistsWithJavaSerialization.class);
        }

        @Test
        void packageInfo(@TempDir Path sources) throws IOException {
            Path bare = Files.createDirectories(sources.resolve("dev/fovea/backend/bare"));
            Files.writeString(bare.resolve("B.java"), "package dev.fovea.backend.bare; class B {}");
            assertEquals(List.of("dev.fovea.backend.bare"), packagesWithoutPackageInfo(sources));
        }
    }
}

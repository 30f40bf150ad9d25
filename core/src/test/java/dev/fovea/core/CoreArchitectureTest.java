package dev.fovea.core;

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
import dev.fovea.architecture.ArchitectureRules;
import dev.fovea.core.archfixture.PersistsWithJavaSerialization;
import dev.fovea.core.archfixture.ReadsJavaSerialization;
import dev.fovea.core.archfixture.UsesABackend;
import dev.fovea.core.archfixture.UsesJocl;
import dev.fovea.core.archfixture.WritesJavaSerialization;
import dev.fovea.core.archfixture.cycle.a.CycleA;
import dev.fovea.core.archfixture.cycle.b.CycleB;
import dev.fovea.core.device.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's boundaries. Core reaches backends only through the SPI in {@code dev.fovea.api.backend}:
 * its tests find backend-cpu with ServiceLoader (a test-scope dependency), so only the production
 * classes are checked here.
 */
class CoreArchitectureTest {
    static final JavaClasses CORE = productionClasses("dev.fovea.core");

    static final ArchRule NO_BACKENDS = noDependencyOn("dev.fovea.backend..",
            "core reaches backends only through the SPI (ServiceLoader), never by naming a backend class");

    @Test
    void importsTheRealProductionClasses() {
        assertTrue(CORE.contain(Devices.class));
        assertTrue(CORE.stream().noneMatch(c -> c.getPackageName().contains("archfixture")), "test fixtures leaked in");
    }

    @Test
    void neverDependsOnABackend() {
        NO_BACKENDS.check(CORE);
    }

    @Test
    void neverTouchesJocl() {
        ArchitectureRules.NO_JOCL.check(CORE);
    }

    @Test
    void hasNoPackageCycles() {
        ArchitectureRules.NO_PACKAGE_CYCLES.check(CORE);
    }

    @Test
    void neverUsesJavaSerializationStreams() {
        ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS.check(CORE);
    }

    @Test
    void noClassIsSerializable() {
        ArchitectureRules.NO_SERIALIZABLE_CLASSES.check(CORE);
    }

    @Test
    void everyPackageHasAPackageInfo() {
        assertEveryPackageHasPackageInfo(mainSources());
    }

    /** Each rule above, evaluated against a deliberately violating fixture, must report it. */
    @Nested
    class TheRulesBite {
        @Test
        void noBackends() {
            assertViolates(NO_BACKENDS, fixture(UsesABackend.class), UsesABackend.class);
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
            Path bare = Files.createDirectories(sources.resolve("dev/fovea/core/bare"));
            Files.writeString(bare.resolve("B.java"), "package dev.fovea.core.bare; class B {}");
            assertEquals(List.of("dev.fovea.core.bare"), packagesWithoutPackageInfo(sources));
        }
    }
}

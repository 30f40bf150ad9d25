package dev.fovea.examples;

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
import dev.fovea.examples.archfixture.PersistsWithJavaSerialization;
import dev.fovea.examples.archfixture.ReadsJavaSerialization;
import dev.fovea.examples.archfixture.UsesABackend;
import dev.fovea.examples.archfixture.UsesJocl;
import dev.fovea.examples.archfixture.WritesJavaSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples' boundaries: like any user program they reach backends only through the SPI (the
 * backends are runtime-scope dependencies), and persist nothing with Java serialization.
 */
class ExamplesArchitectureTest {
    static final JavaClasses EXAMPLES = productionClasses("dev.fovea.examples");

    static final ArchRule NO_BACKENDS = noDependencyOn("dev.fovea.backend..",
            "user programs reach backends only through the SPI: swapping a backend is configuration, not code");

    @Test
    void importsTheRealProductionClasses() {
        assertTrue(EXAMPLES.stream().noneMatch(c -> c.getPackageName().contains("archfixture")),
                "test fixtures leaked in");
    }

    @Test
    void neverDependsOnABackendClass() {
        NO_BACKENDS.check(EXAMPLES);
    }

    @Test
    void neverTouchesJocl() {
        ArchitectureRules.NO_JOCL.check(EXAMPLES);
    }

    @Test
    void neverUsesJavaSerializationStreams() {
        ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS.check(EXAMPLES);
    }

    @Test
    void noClassIsSerializable() {
        ArchitectureRules.NO_SERIALIZABLE_CLASSES.check(EXAMPLES);
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
            Path bare = Files.createDirectories(sources.resolve("dev/fovea/examples/bare"));
            Files.writeString(bare.resolve("B.java"), "package dev.fovea.examples.bare; class B {}");
            assertEquals(List.of("dev.fovea.examples.bare"), packagesWithoutPackageInfo(sources));
        }
    }
}

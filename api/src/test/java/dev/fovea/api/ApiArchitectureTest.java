package dev.fovea.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static dev.fovea.architecture.ArchitectureRules.assertEveryPackageHasPackageInfo;
import static dev.fovea.architecture.ArchitectureRules.assertViolates;
import static dev.fovea.architecture.ArchitectureRules.fixture;
import static dev.fovea.architecture.ArchitectureRules.mainSources;
import static dev.fovea.architecture.ArchitectureRules.packagesWithoutPackageInfo;
import static dev.fovea.architecture.ArchitectureRules.productionClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import dev.fovea.architecture.ArchitectureRules;
import dev.fovea.api.archfixture.PersistsWithJavaSerialization;
import dev.fovea.api.archfixture.ReadsJavaSerialization;
import dev.fovea.api.archfixture.UsesJocl;
import dev.fovea.api.archfixture.UsesThirdParty;
import dev.fovea.api.archfixture.WritesJavaSerialization;
import dev.fovea.api.backend.BackendProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api module's boundaries: JDK only, no Java serialization, every package documented. */
class ApiArchitectureTest {
    static final JavaClasses API = productionClasses("dev.fovea.api");

    static final ArchRule JDK_ONLY = classes()
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.fovea.api..")
            .because("a backend author or a user's library depends on the api without inheriting anyone's dependencies");

    @Test
    void importsTheRealProductionClasses() {
        assertTrue(API.contain(Tensor.class) && API.contain(BackendProvider.class));
        assertTrue(API.stream().noneMatch(c -> c.getPackageName().contains("archfixture")), "test fixtures leaked in");
    }

    @Test
    void dependsOnTheJdkAlone() {
        JDK_ONLY.check(API);
    }

    @Test
    void neverTouchesJocl() {
        ArchitectureRules.NO_JOCL.check(API);
    }

    @Test
    void neverUsesJavaSerializationStreams() {
        ArchitectureRules.NO_JAVA_SERIALIZATION_STREAMS.check(API);
    }

    @Test
    void noClassIsSerializable() {
        ArchitectureRules.NO_SERIALIZABLE_CLASSES.check(API);
    }

    @Test
    void everyPackageHasAPackageInfo() {
        assertEveryPackageHasPackageInfo(mainSources());
    }

    /** Each rule above, evaluated against a deliberately violating fixture, must report it. */
    @Nested
    class TheRulesBite {
        @Test
        void jdkOnly() {
            assertViolates(JDK_ONLY, fixture(UsesThirdParty.class), UsesThirdParty.class);
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
            Path documented = Files.createDirectories(sources.resolve("dev/fovea/documented"));
            Files.writeString(documented.resolve("A.java"), "package dev.fovea.documented; class A {}");
            Files.writeString(documented.resolve("package-info.java"), "package dev.fovea.documented;");
            Path bare = Files.createDirectories(sources.resolve("dev/fovea/documented/bare"));
            Files.writeString(bare.resolve("B.java"), "package dev.fovea.documented.bare; class B {}");
            assertEquals(List.of("dev.fovea.documented.bare"), packagesWithoutPackageInfo(sources));
        }
    }
}

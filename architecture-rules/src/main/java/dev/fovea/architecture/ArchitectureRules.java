package dev.fovea.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The architecture rules every Fovea module shares, and the helpers its architecture test uses to
 * import the production classes and to prove each rule bites on a violating fixture. Api, core,
 * backend-cpu, backend-opencl and examples use it in test scope, so the api module's main code stays
 * JDK only.
 */
public final class ArchitectureRules {
    private ArchitectureRules() {}

    /** No Java serialization streams, in either direction. */
    public static final ArchRule NO_JAVA_SERIALIZATION_STREAMS = noClasses()
            .should().dependOnClassesThat().areAssignableTo(ObjectInput.class)
            .orShould().dependOnClassesThat().areAssignableTo(ObjectOutput.class)
            .because("Fovea persists with safetensors and JSON; ObjectInputStream/ObjectOutputStream are never used");

    /** No class opts into Java serialization (exceptions inherit it from Throwable and are exempt). */
    public static final ArchRule NO_SERIALIZABLE_CLASSES = classes()
            .that().areNotAssignableTo(Throwable.class)
            .should(notOptIntoJavaSerialization())
            .because("Fovea persists with safetensors and JSON, never with Java serialization");

    /** No dependency cycle between any two packages (each package is its own slice). */
    public static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.fovea.(**)")
            .should().beFreeOfCycles()
            .because("packages form a layered graph: a cycle means two packages are really one");

    /** Only the OpenCL backend talks to JOCL. */
    public static final ArchRule NO_JOCL = noDependencyOn("org.jocl..", "only backend-opencl may use JOCL");

    /** A rule that no class depends on a class in {@code packagePattern} (ArchUnit syntax, e.g. {@code "a.b.."}). */
    public static ArchRule noDependencyOn(String packagePattern, String because) {
        return noClasses().should().dependOnClassesThat().resideInAPackage(packagePattern).because(because);
    }

    /** The module's production classes in {@code rootPackage}, test classes excluded; never empty. */
    public static JavaClasses productionClasses(String rootPackage) {
        JavaClasses imported = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
        assertTrue(imported.stream().anyMatch(c -> c.getPackageName().startsWith(rootPackage)),
                "no production classes found in " + rootPackage + ": the architecture rules would pass vacuously");
        return imported;
    }

    /** Deliberately violating fixture classes from the test sources. */
    public static JavaClasses fixture(Class<?>... fixtureClasses) {
        return new ClassFileImporter().importClasses(fixtureClasses);
    }

    /** Asserts that {@code rule} reports a violation, naming {@code offender}, on {@code fixture}. */
    public static void assertViolates(ArchRule rule, JavaClasses fixture, Class<?> offender) {
        EvaluationResult result = rule.evaluate(fixture);
        assertTrue(result.hasViolation(), "rule did not bite on its fixture: " + rule.getDescription());
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertTrue(report.contains(offender.getName()), "violation report does not name " + offender.getName()
                + ":\n" + report);
    }

    // ---- package-info ---------------------------------------------------------------------------

    /** The main source root of the module under test (Surefire runs tests in the module directory). */
    public static Path mainSources() {
        Path root = Path.of(System.getProperty("basedir", ".")).resolve("src/main/java");
        assertTrue(Files.isDirectory(root), "main sources not found at " + root.toAbsolutePath());
        return root;
    }

    /** Packages (as dotted names) under {@code sourceRoot} that hold .java files but no package-info.java. */
    public static List<String> packagesWithoutPackageInfo(Path sourceRoot) {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            Set<Path> packageDirs = files
                    .filter(p -> p.getFileName().toString().endsWith(".java"))
                    .map(Path::getParent)
                    .collect(Collectors.toSet());
            return packageDirs.stream()
                    .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                    .map(dir -> sourceRoot.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails, naming them, if some package under {@code sourceRoot} has no package-info.java. */
    public static void assertEveryPackageHasPackageInfo(Path sourceRoot) {
        List<String> missing = packagesWithoutPackageInfo(sourceRoot);
        assertTrue(missing.isEmpty(), "every package needs a package-info.java that says what it holds; missing in "
                + missing);
    }

    private static ArchCondition<JavaClass> notOptIntoJavaSerialization() {
        Set<String> hooks = Set.of("readObject", "writeObject", "readObjectNoData", "readResolve", "writeReplace");
        return new ArchCondition<>("not opt into Java serialization") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                boolean direct = javaClass.getRawInterfaces().stream()
                        .anyMatch(i -> i.isEquivalentTo(Serializable.class) || i.isEquivalentTo(Externalizable.class));
                boolean hook = javaClass.getMethods().stream().anyMatch(m -> hooks.contains(m.getName()));
                boolean versioned = javaClass.getFields().stream().anyMatch(f -> f.getName().equals("serialVersionUID"));
                if (direct || hook || versioned) {
                    events.add(SimpleConditionEvent.violated(javaClass, javaClass.getName()
                            + " opts into Java serialization (implements Serializable/Externalizable, declares a "
                            + "serialization hook or a serialVersionUID)"));
                }
            }
        };
    }
}

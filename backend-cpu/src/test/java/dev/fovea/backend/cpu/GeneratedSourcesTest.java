package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The float kernels are generated from the double ones by {@code generate-float-kernels.sh}
 * ({@code sed 's/double/float/g; s/Double/Float/g'}): fails when someone edits one side only.
 */
class GeneratedSourcesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/fovea/backend/cpu");
    private static final String[] PAIRS = {"Kernels", "Gemm", "Conv", "MicroKernel", "VectorKernel", "ScalarKernel"};

    @Test
    void floatFilesAreTheDoubleFilesWithTheTypeReplaced() throws IOException {
        assertTrue(Files.isDirectory(SOURCES), "run from the backend-cpu module directory (Maven does)");
        for (String name : PAIRS) {
            String source = Files.readString(SOURCES.resolve("Double" + name + ".java"));
            String generated = Files.readString(SOURCES.resolve("Float" + name + ".java"));
            assertEquals(source.replace("double", "float").replace("Double", "Float"), generated,
                    "Float" + name + ".java is not generated from Double" + name
                            + ".java; edit the Double file and run backend-cpu/generate-float-kernels.sh");
        }
    }

    /**
     * Every kernel uses the preferred vector species for floats and doubles: when a second shape of
     * one element type runs in the JVM, the JDK's shared Vector API methods see two vector classes
     * and C2 compiled some of the GEMM's stores as calls on boxed vectors (LeNet steps 10-20 % slower;
     * see PoolVectorKernel). Other element types (the long lanes of the pooling masks) may differ.
     */
    @Test
    void floatAndDoubleVectorsUseOnlyThePreferredSpecies() throws IOException {
        Pattern fixedShape = Pattern.compile("(Float|Double)Vector\\.SPECIES_(64|128|256|512|MAX)"
                + "|VectorSpecies\\.of\\((float|double)\\.class|VectorShape\\.");
        List<Path> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        for (Path file : sources) {
            Matcher m = fixedShape.matcher(Files.readString(file));
            assertTrue(!m.find(), file.getFileName() + " uses " + (m.hitEnd() ? "" : m.group())
                    + ": use SPECIES_PREFERRED (or a mask) so every float kernel shares one vector shape");
        }
    }
}

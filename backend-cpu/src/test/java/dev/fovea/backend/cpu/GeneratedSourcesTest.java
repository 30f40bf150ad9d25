package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
}

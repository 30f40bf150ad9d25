package dev.fovea.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar fovea.jar} with no flags runs with {@code jdk.incubator.vector} (the CPU backend's
 * SIMD kernels): the JDK announces the module on standard error, and exit codes come through.
 */
class VectorModuleRelaunchIT {
    private static final String ANNOUNCEMENT = "Using incubator modules: jdk.incubator.vector";

    private record Run(int exit, String out, String err) {}

    private static Run java(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("FOVEA_RELAUNCHED");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String jar() {
        String jar = System.getProperty("fovea.jar");
        assertTrue(jar != null && Files.isRegularFile(Path.of(jar)), "fovea.jar not built: " + jar);
        return jar;
    }

    @Test
    void plainJavaJarGetsTheVectorModule(@TempDir Path dir) throws Exception {
        Run run = java(dir, "-jar", jar(), "--version");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("fovea "), run.toString());
        assertTrue(run.err().contains(ANNOUNCEMENT), run.toString());
    }

    @Test
    void exitCodesComeThroughTheRelaunch(@TempDir Path dir) throws Exception {
        Run run = java(dir, "-jar", jar(), "no-such-command");
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains(ANNOUNCEMENT), run.toString());
    }

    @Test
    void theRelaunchCanBeSwitchedOff(@TempDir Path dir) throws Exception {
        Run run = java(dir, "-Dfovea.relaunch=false", "-jar", jar(), "--version");
        assertEquals(0, run.exit(), run.toString());
        assertFalse(run.err().contains(ANNOUNCEMENT), run.toString());
    }
}

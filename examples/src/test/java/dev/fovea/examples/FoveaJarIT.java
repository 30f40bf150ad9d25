package dev.fovea.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded {@code target/fovea.jar} in its own JVM, as a user would: the manifest names the
 * main class, both backends' service files were merged, and exit codes reach the shell.
 * Runs in the integration-test phase (maven-failsafe), after {@code package} built the jar.
 */
class FoveaJarIT {
    private static Path jar;

    @TempDir
    Path workingDirectory;

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("fovea.jar", "target/fovea.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the shaded jar was built: " + jar);
    }

    @Test
    void backendsFromBothServiceFilesAreDiscovered() throws Exception {
        Result run = run("backends", "--json");
        assertEquals(0, run.exitCode, run::toString);
        Set<String> names = new HashSet<>();
        for (JsonElement backend : run.json().getAsJsonArray("backends")) {
            names.add(backend.getAsJsonObject().get("name").getAsString());
        }
        assertTrue(names.contains("cpu") && names.contains("opencl"), "merged META-INF/services: " + run);
    }

    @Test
    void peaksComputesTheSeedExample() throws Exception {
        Result run = run("peaks", "--json", "--device", "cpu");
        assertEquals(0, run.exitCode, run::toString);
        JsonObject json = run.json();
        assertEquals("[5,7,9]", json.get("peaks").toString());
        assertEquals(5, json.getAsJsonObject("maxPool").get("index").getAsInt());
        assertEquals(0.5152, json.getAsJsonObject("maxPool").get("value").getAsDouble(), 1e-4);
    }

    /**
     * The main job: {@code java -jar fovea.jar} with no command runs the whole tour, whose CNN must reach
     * 95% on the digits, and leaves its pictures in ./fovea-out. Takes about a minute on two cores.
     */
    @Test
    void tourRunsWithoutACommandAndReachesNinetyFivePercentOnTheDigits() throws Exception {
        Result run = run("--json");
        assertEquals(0, run.exitCode, run::toString);
        JsonObject json = run.json();
        assertEquals("tour", json.get("command").getAsString());
        assertEquals("[5,7,9]", json.getAsJsonObject("peaks").get("peaks").toString());
        assertTrue(json.getAsJsonObject("learnFilter").get("maxAbsError").getAsDouble() < 1e-3, run::toString);
        JsonObject train = json.getAsJsonObject("train");
        assertEquals(1438, train.get("trainExamples").getAsInt());
        assertTrue(train.get("testAccuracy").getAsDouble() >= 0.95, "digits test accuracy: " + train);
        Path out = workingDirectory.resolve("fovea-out");
        for (String png : List.of("learn-filter.png", "learn-filter-classify.png", "curves.png", "filters-before.png",
                "filters-after.png")) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
        assertEquals("fovea-out", json.get("out").getAsString());
    }

    @Test
    void learnFilterRecoversTheSeedFilter() throws Exception {
        Result run = run("learn-filter", "--json", "--device", "cpu");
        assertEquals(0, run.exitCode, run::toString);
        assertTrue(run.json().get("maxAbsError").getAsDouble() < 1e-3, run::toString);
        assertTrue(Files.isRegularFile(workingDirectory.resolve("fovea-out/learn-filter.png")));
    }

    @Test
    void usageErrorsExitWithTwo() throws Exception {
        Result run = run("peaks", "--signal", "1,2", "--filter", "1,2,3");
        assertEquals(2, run.exitCode, run::toString);
        assertTrue(run.err.contains("3 values but the signal"), run::toString);
    }

    @Test
    void versionIsTheProjectVersion() throws Exception {
        Result run = run("--version");
        assertEquals(0, run.exitCode, run::toString);
        assertTrue(run.out.startsWith("fovea 0."), run::toString);
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-DuniqueLibraryNames=true"); // JOCL: parallel JVMs must not share one extracted .so
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = workingDirectory.resolve("stdout.txt");
        Path err = workingDirectory.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("java -jar fovea.jar " + String.join(" ", args) + " did not finish in 300 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String out, String err) {
        JsonObject json() {
            String[] lines = out.strip().split("\\R");
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        }
    }
}

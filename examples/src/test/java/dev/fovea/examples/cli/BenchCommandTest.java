package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.examples.bench.Benchmarks;
import org.junit.jupiter.api.Test;

/** {@code fovea bench}: structure and sanity of the report (never timing thresholds). */
class BenchCommandTest {

    @Test
    void quickJsonRunReportsEveryFigure() {
        CliRun run = CliRun.of("bench", "--quick", "--json", "--threads", "2", "--device", "cpu");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals("bench", json.get("command").getAsString());
        assertTrue(json.get("device").getAsString().startsWith("cpu:0"), json.toString());
        assertEquals(2, json.get("threads").getAsInt());
        JsonArray sgemm = json.getAsJsonArray("sgemm");
        assertEquals(2, sgemm.size());
        assertEquals(1024, sgemm.get(0).getAsJsonObject().get("n").getAsInt());
        assertEquals(2048, sgemm.get(1).getAsJsonObject().get("n").getAsInt());
        for (int i = 0; i < sgemm.size(); i++) {
            assertPositive(sgemm.get(i).getAsJsonObject(), "gflops");
        }
        JsonArray conv = json.getAsJsonArray("conv2d");
        assertEquals(Benchmarks.CONV_SHAPES.length, conv.size());
        String[] keys = {"n", "cin", "h", "w", "cout", "k", "pad"};
        for (int i = 0; i < conv.size(); i++) {
            JsonObject c = conv.get(i).getAsJsonObject();
            for (int k = 0; k < keys.length; k++) {
                assertEquals(Benchmarks.CONV_SHAPES[i][k], c.get(keys[k]).getAsInt(), keys[k] + " of " + c);
            }
            assertPositive(c, "forwardMs");
            assertPositive(c, "forwardBackwardMs");
            assertPositive(c, "forwardGflops");
        }
        JsonObject lenet = json.getAsJsonObject("lenet");
        assertEquals(64, lenet.get("batchSize").getAsInt());
        assertPositive(lenet, "trainSamplesPerSecond");
        assertPositive(lenet, "measuredMs");
        assertTrue(lenet.get("gcMs").getAsDouble() >= 0, lenet.toString());
        assertFalse(json.has("reference"), "PyTorch runs only with --reference");
        assertEquals(null, System.getProperty(BenchCommand.THREADS_PROPERTY), "--threads leaked into the JVM");
    }

    @Test
    void onlyMeasuresTheNamedPartsAndRejectsUnknownOnes() {
        CliRun run = CliRun.of("bench", "--quick", "--json", "--threads", "1", "--device", "cpu", "--only", "lenet");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertFalse(json.has("sgemm"), json.toString());
        assertFalse(json.has("conv2d"), json.toString());
        assertPositive(json.getAsJsonObject("lenet"), "trainSamplesPerSecond");
        CliRun table = CliRun.of("bench", "--quick", "--threads", "1", "--device", "cpu", "--only", "sgemm");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.out().contains("sgemm 1024 (GFLOP/s)"), table::toString);
        assertFalse(table.out().contains("LeNet"), table::toString);
        CliRun bad = CliRun.of("bench", "--only", "lenet,resnet");
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("--only: unknown part 'resnet'; the parts are sgemm, conv2d, lenet"),
                bad::toString);
    }

    private static void assertPositive(JsonObject o, String key) {
        assertTrue(o.has(key), key + " missing in " + o);
        double v = o.get(key).getAsDouble();
        assertTrue(v > 0 && Double.isFinite(v), key + " = " + v + " in " + o);
    }

    @Test
    void badThreadCountsAndAMissingPythonAreUsageErrors() {
        CliRun zero = CliRun.of("bench", "--threads", "0");
        assertEquals(2, zero.exitCode(), zero::toString);
        assertTrue(zero.err().contains("--threads"), zero::toString);
        CliRun python = CliRun.of("bench", "--quick", "--reference", "--python", "/nonexistent/python3");
        assertEquals(2, python.exitCode(), python::toString);
        assertTrue(python.err().contains("/nonexistent/python3"), python::toString);
    }
}

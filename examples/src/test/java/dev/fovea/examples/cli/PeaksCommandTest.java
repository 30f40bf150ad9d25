package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PeaksCommandTest {
    private static final double TOLERANCE = 1e-4;
    /** conv(u, [-1 1 -1], 'valid') by hand; the seed answer's printed numbers are wrong. */
    private static final double[] SEED_Y = {-0.6784, -0.3401, -1.3515, 0.5152, -1.6167, 0.4355, -1.0744, 0.0623};

    @Test
    void seedExampleGivesTheRecomputedOutputPeaksAndMaxPool() {
        CliRun run = CliRun.of("peaks", "--json");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals("peaks", json.get("command").getAsString());
        assertArrayEquals(SEED_Y, doubles(json.getAsJsonArray("output")), TOLERANCE);
        assertArrayEquals(SEED_Y, doubles(json.getAsJsonArray("crossCorrelation")), TOLERANCE, "symmetric filter");
        assertArrayEquals(new int[] {5, 7, 9}, ints(json.getAsJsonArray("peaks")));
        assertArrayEquals(new int[] {5, 7, 9}, ints(json.getAsJsonArray("localMaxima")));
        assertArrayEquals(new int[] {2, 3, 4, 5, 6, 7, 8, 9}, ints(json.getAsJsonArray("centres")));
        JsonObject pool = json.getAsJsonObject("maxPool");
        assertEquals(5, pool.get("index").getAsInt());
        assertEquals(4, pool.get("outputIndex").getAsInt());
        assertEquals(0.5152, pool.get("value").getAsDouble(), TOLERANCE);
        assertEquals(10, json.getAsJsonArray("signal").size());
        assertArrayEquals(new double[] {-1, 1, -1}, doubles(json.getAsJsonArray("filter")), 0);
        assertTrue(json.get("symmetric").getAsBoolean());
        assertFalse(json.get("device").getAsString().isBlank());
    }

    @Test
    void asymmetricFilterReportsConvolutionAndCrossCorrelation() {
        JsonObject json = CliRun.of("peaks", "--json", "--filter", "1,0,-1", "--device", "cpu").json();
        double[] conv = {-0.2706, -0.5573, 0.3864, 0.0884, -0.0328, -0.0415, -0.5510, -0.1363};
        double[] xcorr = {0.2706, 0.5573, -0.3864, -0.0884, 0.0328, 0.0415, 0.5510, 0.1363};
        assertArrayEquals(conv, doubles(json.getAsJsonArray("output")), TOLERANCE);
        assertArrayEquals(xcorr, doubles(json.getAsJsonArray("crossCorrelation")), TOLERANCE);
        assertFalse(json.get("symmetric").getAsBoolean());
        assertArrayEquals(new int[] {4, 5}, ints(json.getAsJsonArray("peaks")));
        assertEquals(4, json.getAsJsonObject("maxPool").get("index").getAsInt());
        assertEquals(0.3864, json.getAsJsonObject("maxPool").get("value").getAsDouble(), TOLERANCE);
    }

    @Test
    void convolutionEqualsCrossCorrelationWithTheFlippedFilter() {
        JsonObject forward = CliRun.of("peaks", "--json", "--filter", "1,2,3").json();
        JsonObject flipped = CliRun.of("peaks", "--json", "--filter", "3,2,1").json();
        double[] conv123 = {4.5642, 3.5215, 3.0242, 2.7108, 4.3274, 2.8689, 3.5950, 1.5061};
        double[] xcorr123 = {4.0230, 2.4069, 3.7970, 2.8876, 4.2618, 2.7859, 2.4930, 1.2335};
        assertArrayEquals(conv123, doubles(forward.getAsJsonArray("output")), TOLERANCE);
        assertArrayEquals(xcorr123, doubles(forward.getAsJsonArray("crossCorrelation")), TOLERANCE);
        assertArrayEquals(doubles(forward.getAsJsonArray("output")), doubles(flipped.getAsJsonArray("crossCorrelation")),
                1e-12);
        assertArrayEquals(doubles(forward.getAsJsonArray("crossCorrelation")), doubles(flipped.getAsJsonArray("output")),
                1e-12);
    }

    @Test
    void humanOutputShowsTheTableThePeaksAndTheSeedCorrection() {
        CliRun run = CliRun.of("peaks");
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("0.9574"), out);
        assertTrue(out.contains("0.5152"), out);
        assertTrue(out.contains("The filter responds (y > 0) at positions: 5, 7, 9"), out);
        assertTrue(out.contains("the filter found exactly the peaks"), out);
        assertTrue(out.contains("<- MAX POOL"), out);
        assertTrue(out.contains("the seed answer printed y = -0.1767"), out);
        assertFalse(out.strip().startsWith("{"), "no JSON without --json");
    }

    @Test
    void humanOutputExplainsTheFlipForAnAsymmetricFilter() {
        String out = CliRun.of("peaks", "--filter=1,0,-1").out();
        assertTrue(out.contains("xcorr"), out);
        assertTrue(out.contains("conv(u, [1, 0, -1]) = xcorr(u, [-1, 0, 1])"), out);
        assertFalse(out.contains("seed answer printed"), out);
    }

    @Test
    void customSignalAndNegativeFilterValues() {
        CliRun run = CliRun.of("peaks", "--json", "--signal", "0, 1, 0, 2, 0", "--filter", "-1,2,-1");
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertArrayEquals(new double[] {2, -3, 4}, doubles(json.getAsJsonArray("output")), TOLERANCE);
        assertArrayEquals(new int[] {2, 4}, ints(json.getAsJsonArray("peaks")));
        assertEquals(4, json.getAsJsonObject("maxPool").get("index").getAsInt());
        assertEquals(3, json.getAsJsonObject("maxPool").get("outputIndex").getAsInt());
    }

    @Test
    void filterAsLongAsTheSignalGivesOneOutput() {
        JsonObject json = CliRun.of("peaks", "--json", "--signal", "1,2,3", "--filter", "1,1,1").json();
        assertArrayEquals(new double[] {6}, doubles(json.getAsJsonArray("output")), TOLERANCE);
        assertEquals(2, json.getAsJsonObject("maxPool").get("index").getAsInt());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--signal=1,2,3 | --filter=1,2,3,4 | 4 values but the signal",
        "--signal=1,abc | --filter=1      | 'abc', is not a number",
        "--signal=1,NaN | --filter=1      | not a finite number",
        "--signal=1,,2  | --filter=1      | --signal value 2 of 3 is empty",
        "--signal=      | --filter=1      | --signal needs at least one number",
        "--signal=1,2   | --filter=1,Infinity | --filter value 2 of 2, 'Infinity', is not a finite number",
    })
    void badValuesExitWithTwoAndNameTheProblem(String signal, String filter, String message) {
        CliRun run = CliRun.of("peaks", signal, filter);
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertTrue(run.out().isEmpty(), run::toString);
    }

    @Test
    void badValuesWithJsonStillEndWithAJsonObject() {
        CliRun run = CliRun.of("peaks", "--json", "--signal", "1,2", "--filter", "1,2,3");
        assertEquals(2, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals(2, json.get("exitCode").getAsInt());
        assertTrue(json.get("error").getAsString().contains("3 values but the signal"), run::toString);
    }

    @Test
    void unknownOptionExitsWithTwo() {
        CliRun run = CliRun.of("peaks", "--kernel", "3");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--kernel"), run::toString);
    }

    static double[] doubles(JsonArray array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsDouble();
        }
        return out;
    }

    static int[] ints(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }
}

package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoveaCommandTest {

    @Test
    void versionNamesFoveaAndItsVersion() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("fovea 0."), run.out());
        assertFalse(run.out().contains("${"), "version filtered in: " + run.out());
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.exitCode(), run::toString);
        for (String command : new String[] {"tour", "peaks", "backends", "--json", "--device"}) {
            assertTrue(run.out().contains(command), run.out());
        }
    }

    @Test
    void withoutACommandItRunsTheTour() {
        CliRun run = CliRun.of();
        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("Backends: "), out);
        assertTrue(out.contains("The filter responds (y > 0) at positions: 5, 7, 9"), out);
        assertTrue(out.contains("conv(u, [1, 0, -1]) = xcorr(u, [-1, 0, 1])"), out);
        assertTrue(out.contains("learn-filter"), out);
    }

    @Test
    void tourJsonHoldsThePeaksAndTheBackends(@TempDir Path temp) {
        Path out = temp.resolve("tour-out");
        for (CliRun run : new CliRun[] {CliRun.of("--json"), CliRun.of("tour", "--json", "--out", out.toString())}) {
            assertEquals(0, run.exitCode(), run::toString);
            JsonObject json = run.json();
            assertEquals("tour", json.get("command").getAsString());
            JsonObject peaks = json.getAsJsonObject("peaks");
            assertArrayEquals(new int[] {5, 7, 9}, PeaksCommandTest.ints(peaks.getAsJsonArray("peaks")));
            assertEquals(5, peaks.getAsJsonObject("maxPool").get("index").getAsInt());
            assertEquals(0.5152, peaks.getAsJsonObject("maxPool").get("value").getAsDouble(), 1e-4);
            assertFalse(json.getAsJsonObject("asymmetric").get("symmetric").getAsBoolean());
            assertTrue(json.getAsJsonObject("backends").getAsJsonArray("backends").size() >= 1, json::toString);
            assertTrue(json.getAsJsonObject("backends").has("default"), json::toString);
        }
        assertFalse(Files.exists(out), "nothing written yet, so no output directory");
    }

    @Test
    void commonOptionsWorkBeforeTheCommandToo() {
        CliRun run = CliRun.of("--json", "peaks", "--filter=1,2,1");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("peaks", run.json().get("command").getAsString());
    }

    @Test
    void unknownCommandExitsWithTwo() {
        CliRun run = CliRun.of("learn-everything");
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("learn-everything"), run::toString);
    }
}

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
        for (String command : new String[] {"tour", "peaks", "learn-filter", "train", "backends", "--json", "--device"}) {
            assertTrue(run.out().contains(command), run.out());
        }
    }

    /**
     * A short tour (1 epoch on 300 digits) in-process; the full tour, and {@code fovea} without a
     * command running it, are checked on the built jar by FoveaJarIT.
     */
    @Test
    void shortTourTellsTheWholeStory(@TempDir Path temp) {
        Path out = temp.resolve("tour-out");
        CliRun run = CliRun.of("tour", "--digits-epochs", "1", "--digits-limit", "300", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        String text = run.out();
        assertTrue(text.contains("Backends: "), text);
        assertTrue(text.contains("The filter responds (y > 0) at positions: 5, 7, 9"), text);
        assertTrue(text.contains("conv(u, [1, 0, -1]) = xcorr(u, [-1, 0, 1])"), text);
        assertTrue(text.contains("backpropagation recovered the filter"), text);
        assertTrue(text.contains("Sign pattern -,+,-"), text);
        assertTrue(text.contains("epoch 1/1"), text);
        assertTrue(text.contains("Pictures in " + out), text);
        for (String png : new String[] {"learn-filter.png", "learn-filter-classify.png", "curves.png",
            "filters-before.png", "filters-after.png"}) {
            assertTrue(text.contains(out.resolve(png).toString()), png + " listed:\n" + text);
            Pngs.assertReadable(out.resolve(png), 100, 100);
        }
    }

    @Test
    void tourJsonHoldsEveryPart(@TempDir Path temp) {
        Path out = temp.resolve("tour-out");
        CliRun run = CliRun.of("tour", "--json", "--digits-epochs", "1", "--digits-limit", "200", "--out",
                out.toString());
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
        JsonObject learned = json.getAsJsonObject("learnFilter");
        assertTrue(learned.get("maxAbsError").getAsDouble() < 1e-3, learned::toString);
        assertEquals("-+-", learned.getAsJsonObject("classify").get("signPattern").getAsString());
        JsonObject trained = json.getAsJsonObject("train");
        assertEquals("digits", trained.get("dataset").getAsString());
        assertEquals(1, trained.getAsJsonArray("epochs").size());
        assertEquals(200, trained.get("trainExamples").getAsInt());
        JsonObject pngs = json.getAsJsonObject("pngs");
        assertEquals(5, pngs.size(), pngs::toString);
        pngs.entrySet().forEach(e -> assertTrue(Files.isRegularFile(Path.of(e.getValue().getAsString())),
                e::toString));
        assertEquals(out.toString(), json.get("out").getAsString());
    }

    @Test
    void tourRejectsBadValuesBeforeWritingAnything(@TempDir Path temp) {
        Path out = temp.resolve("tour-out");
        CliRun run = CliRun.of("tour", "--digits-epochs", "0", "--out", out.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--digits-epochs must be at least 1"), run::toString);
        assertFalse(Files.exists(out));
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

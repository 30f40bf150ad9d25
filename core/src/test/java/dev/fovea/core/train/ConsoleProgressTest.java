package dev.fovea.core.train;

import static dev.fovea.core.train.TrainFixtures.blobs;
import static dev.fovea.core.train.TrainFixtures.loader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.collect.ImmutableMap;
import dev.fovea.core.train.TrainFixtures.TestSgd;
import dev.fovea.core.train.TrainFixtures.TinyLinear;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

    private static String train(ConsoleProgress progress, ByteArrayOutputStream bytes, PrintStream out) {
        TinyLinear model = new TinyLinear(2, 3, 9);
        Trainer.epochs(2).listener(progress).fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.5),
                loader(blobs(120, 1), 32), loader(blobs(60, 2), 32));
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainModePrintsReadableLinesWithEpochSummaries() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String text = train(ConsoleProgress.plain(out, Duration.ZERO), bytes, out);

        assertFalse(text.contains("\r"), "no carriage returns in plain mode");
        assertFalse(text.contains("\u001b"), "no escape codes in plain mode");
        List<String> lines = text.lines().toList();
        assertEquals("training 2 epochs of 4 batches (120 samples), with validation", lines.get(0));
        // a progress line after each batch but the last of each epoch (interval zero), then the summary
        assertTrue(lines.get(1).matches("epoch 1/2 batch 1/4: loss \\d+\\.\\d{4} \\| [\\d,]+ samples/s"), lines.get(1));
        assertTrue(lines.get(3).startsWith("epoch 1/2 batch 3/4: "), lines.get(3));
        String summary = lines.get(4);
        assertTrue(summary.matches("epoch 1/2: train loss \\d\\.\\d{4}, train acc \\d+\\.\\d\\d%, val loss \\d\\.\\d{4}, "
                + "val acc \\d+\\.\\d\\d%, [\\d,]+ samples/s, \\d+\\.\\d s"), summary);
        assertTrue(lines.get(8).startsWith("epoch 2/2: train loss "), lines.get(8));
        assertTrue(lines.get(9).matches("done: completed 2 epochs in \\d+\\.\\d s; best epoch \\d by validation loss"),
                lines.get(9));
        assertEquals(10, lines.size(), text);
    }

    @Test
    void plainModeWithTheDefaultIntervalPrintsOnlySummariesInShortEpochs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<String> lines = train(ConsoleProgress.plain(out), bytes, out).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("epoch 1/2: train loss"));
        assertTrue(lines.get(2).startsWith("epoch 2/2: train loss"));
    }

    @Test
    void barModeDrawsAProgressBarPerEpochAndTheSummaries() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        String text = train(ConsoleProgress.bars(out, 120), bytes, out);

        assertTrue(text.contains("\r"), "a bar redraws its line");
        assertTrue(text.contains("epoch 1/2") && text.contains("epoch 2/2"), text);
        assertTrue(text.contains("4/4 batches"), text);
        assertTrue(text.contains("samples/s"), text);
        List<String> lines = text.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("epoch 1/2: train loss")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("epoch 2/2: train loss")), text);
        assertTrue(lines.get(lines.size() - 1).startsWith("done: completed 2 epochs"), text);
        for (String line : lines) {
            int lastReturn = line.lastIndexOf('\r');
            assertTrue(line.length() - lastReturn - 1 <= 120, "the visible part of a line fits the width: " + line);
        }
    }

    @Test
    void aFailureIsPrintedAndTheBarClosed() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TinyLinear model = new TinyLinear(2, 3, 9);
        assertThrows(TrainingDivergedException.class, () -> Trainer.epochs(2).listener(ConsoleProgress.bars(out, 100))
                .fit(model, (o, l) -> TrainFixtures.crossEntropy(o, l).mul(Double.POSITIVE_INFINITY),
                        new TestSgd(model, 0.1), loader(blobs(120, 1), 32), null));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("training failed: training diverged: the loss is Infinity at epoch 1/2"), text);
    }

    @Test
    void summaryLeavesOutWhatWasNotMeasured() {
        EpochMetrics m = new EpochMetrics(2, 0.25, Double.NaN, Double.NaN, Double.NaN, 12345.6, 3.21, 100, 0.1,
                ImmutableMap.of("mae", 0.5));
        assertEquals("epoch 3/5: train loss 0.2500, mae 0.5000, 12,346 samples/s, 3.2 s", ConsoleProgress.summary(m, 5));
    }

    @Test
    void theDefaultChoosesPlainLinesWithoutATerminal() {
        assumeTrue(System.console() == null, "runs where the tests have no terminal (Maven, CI)");
        assertFalse(new ConsoleProgress().drawsBars());
    }
}

package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {

    @Test
    void lenetOnPartOfTheDigitsLearnsAndDrawsItsFilters(@TempDir Path out) {
        // measured: 0.694 after epoch 1 and 0.914 after epoch 2 (seed 42), a few seconds
        CliRun run = CliRun.of("train", "--json", "--dataset", "digits", "--limit", "500", "--epochs", "2",
                "--batch-size", "16", "--optimizer", "adam", "--lr", "0.003", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals("train", json.get("command").getAsString());
        assertEquals("digits", json.get("dataset").getAsString());
        assertEquals("lenet", json.get("model").getAsString());
        assertEquals("cpu:0", json.get("device").getAsString());
        assertEquals(500, json.get("trainExamples").getAsInt());
        assertEquals(359, json.get("testExamples").getAsInt(), "20% of 1,797 digits held out");
        JsonArray epochs = json.getAsJsonArray("epochs");
        assertEquals(2, epochs.size());
        for (int i = 0; i < 2; i++) {
            JsonObject e = epochs.get(i).getAsJsonObject();
            assertEquals(i + 1, e.get("epoch").getAsInt());
            assertTrue(e.get("trainLoss").getAsDouble() > 0, e::toString);
            assertTrue(e.get("samplesPerSecond").getAsDouble() > 0, e::toString);
            double accuracy = e.get("testAccuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, e::toString);
        }
        double accuracy = json.get("testAccuracy").getAsDouble();
        assertEquals(epochs.get(1).getAsJsonObject().get("testAccuracy").getAsDouble(), accuracy);
        assertTrue(accuracy > 0.8, "far better than the 10% of guessing: " + json);
        assertTrue(json.get("filterChange").getAsDouble() > 0, json::toString);

        JsonObject pngs = json.getAsJsonObject("pngs");
        Path curves = Path.of(pngs.get("curves").getAsString());
        Path before = Path.of(pngs.get("filtersBefore").getAsString());
        Path after = Path.of(pngs.get("filtersAfter").getAsString());
        assertEquals(out.resolve("curves.png"), curves);
        assertEquals(out.resolve("filters-before.png"), before);
        assertEquals(out.resolve("filters-after.png"), after);
        Pngs.assertReadable(curves, 400, 200);
        var beforeImage = Pngs.assertReadable(before, 100, 100);
        var afterImage = Pngs.assertReadable(after, 100, 100);
        assertTrue(differ(beforeImage, afterImage), "training changed the filters");
        assertTrue(run.err().contains("epoch 2/2"), "with --json the progress goes to stderr: " + run);
    }

    @Test
    void vggWithBatchNormTrainsToo(@TempDir Path out) {
        // measured: 0.889 after one epoch on 300 digits
        CliRun run = CliRun.of("train", "--json", "--model", "vgg", "--limit", "300", "--epochs", "1",
                "--batch-size", "16", "--optimizer", "adam", "--lr", "0.003", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals("vgg", json.get("model").getAsString());
        assertTrue(json.get("testAccuracy").getAsDouble() > 0.7, json::toString);
        Pngs.assertReadable(out.resolve("filters-after.png"), 100, 100);
    }

    @Test
    void humanOutputShowsSettingsProgressAndPictures(@TempDir Path out) {
        CliRun run = CliRun.of("train", "--limit", "100", "--epochs", "1", "--out", out.toString());
        assertEquals(0, run.exitCode(), run::toString);
        String text = run.out();
        assertTrue(text.contains("100 training images (--limit 100)"), text);
        assertTrue(text.contains("SGD with momentum 0.9, learning rate 0.05, batches of 64"), text);
        assertTrue(text.contains("epoch 1/1"), "the trainer's progress:\n" + text);
        assertTrue(text.contains("Test accuracy after 1 epoch: "), text);
        assertTrue(text.contains(out.resolve("filters-after.png").toString()), text);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--dataset=cifar10      | unknown dataset 'cifar10'; choose digits, fashion-mnist or mnist",
        "--model=resnet         | unknown model 'resnet'; choose lenet or vgg",
        "--optimizer=rmsprop    | unknown optimizer 'rmsprop'; choose sgd or adam",
        "--epochs=-2            | --epochs must be at least 1, got -2",
        "--batch-size=0         | --batch-size must be at least 1, got 0",
        "--limit=-5             | --limit must be 0 (all) or positive, got -5",
        "--lr=0                 | --lr must be a positive number",
        "--dataset=mnist        | mnist has no default location",
    })
    void badValuesExitWithTwo(String option, String message, @TempDir Path out) {
        CliRun run = CliRun.of("train", option, "--out", out.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(message), run::toString);
        assertFalse(Files.exists(out.resolve("curves.png")));
    }

    @Test
    void aMissingDataDirectoryIsNamedWithHowToGetTheData(@TempDir Path temp) {
        Path missing = temp.resolve("no-such-dir");
        CliRun run = CliRun.of("train", "--json", "--dataset", "fashion-mnist", "--data-dir", missing.toString(),
                "--out", temp.resolve("out").toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(missing.toString()), "names the path: " + run);
        assertTrue(run.err().contains("apt-get install dataset-fashion-mnist"), "says how to get it: " + run);
        assertTrue(run.err().contains("--data-dir"), run::toString);
        assertEquals(2, run.json().get("exitCode").getAsInt());
        assertFalse(Files.exists(temp.resolve("out")), "nothing written");
    }

    @Test
    void mnistNeedsItsFilesAndSaysWhere(@TempDir Path temp) {
        CliRun run = CliRun.of("train", "--dataset", "mnist", "--data-dir", temp.toString());
        assertEquals(2, run.exitCode(), run::toString);
        assertTrue(run.err().contains(temp.toString()), run::toString);
        assertTrue(run.err().contains("train-images-idx3-ubyte"), run::toString);
    }

    private static boolean differ(java.awt.image.BufferedImage a, java.awt.image.BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return true;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return true;
                }
            }
        }
        return false;
    }
}

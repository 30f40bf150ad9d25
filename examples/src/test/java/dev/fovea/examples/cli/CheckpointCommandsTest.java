package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.core.device.Devices;
import dev.fovea.core.io.Checkpoint;
import dev.fovea.core.io.ModelIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fovea train --checkpoint/--resume}, {@code fovea eval} and {@code fovea inspect}. */
class CheckpointCommandsTest {
    @TempDir
    Path tmp;

    private static final String[] SETTINGS = {"--dataset", "digits", "--limit", "300", "--batch-size", "16",
        "--optimizer", "adam", "--lr", "0.003"};

    private CliRun train(Path checkpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--json", "--out", tmp.resolve("pngs").toString(),
                "--checkpoint", checkpoint.toString()));
        args.addAll(List.of(SETTINGS));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void resumingOneEpochWithEpochsTwoTrainsExactlyOneMoreAndEvalAgrees() throws IOException {
        Path dir = tmp.resolve("ckpt");
        CliRun first = train(dir, "--epochs", "1");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(Files.isRegularFile(dir.resolve("last").resolve(ModelIo.CONFIG_FILE)), first::toString);
        assertTrue(Files.isRegularFile(dir.resolve("best").resolve(Checkpoint.TRAINING_FILE)), first::toString);
        assertTrue(first.json().getAsJsonObject("checkpoint").get("resumedAfterEpoch").isJsonNull());

        CliRun resumed = train(dir, "--epochs", "2", "--resume");
        assertEquals(0, resumed.exitCode(), resumed::toString);
        JsonObject json = resumed.json();
        JsonArray epochs = json.getAsJsonArray("epochs");
        assertEquals(2, epochs.size(), json::toString);
        assertEquals(1, epochs.get(0).getAsJsonObject().get("epoch").getAsInt());
        assertEquals(2, epochs.get(1).getAsJsonObject().get("epoch").getAsInt());
        assertEquals(first.json().getAsJsonArray("epochs").get(0), epochs.get(0), "epoch 1 comes from the checkpoint");
        assertEquals(1, json.getAsJsonObject("checkpoint").get("resumedAfterEpoch").getAsInt());
        assertTrue(resumed.err().contains("epoch 2/2") && !resumed.err().contains("epoch 1/2"),
                "only epoch 2 trained: " + resumed.err());
        assertEquals(2, Checkpoint.load(dir.resolve("last"), Devices.get("cpu")).progress().epoch());

        // the resumed run is the run that never stopped, bit for bit
        CliRun straight = train(tmp.resolve("straight"), "--epochs", "2");
        assertEquals(0, straight.exitCode(), straight::toString);
        assertEquals(straight.json().getAsJsonArray("epochs").get(1).getAsJsonObject().get("testAccuracy"),
                epochs.get(1).getAsJsonObject().get("testAccuracy"));
        assertEquals(straight.json().getAsJsonArray("epochs").get(1).getAsJsonObject().get("trainLoss"),
                epochs.get(1).getAsJsonObject().get("trainLoss"));

        CliRun eval = CliRun.of("eval", "--json", "--checkpoint", dir.resolve("last").toString());
        assertEquals(0, eval.exitCode(), eval::toString);
        JsonObject e = eval.json();
        assertEquals("eval", e.get("command").getAsString());
        assertEquals("digits", e.get("dataset").getAsString());
        assertEquals(dir.resolve("last").toString(), e.get("checkpoint").getAsString());
        assertEquals(359, e.get("samples").getAsInt());
        assertEquals(json.get("testAccuracy").getAsDouble(), e.get("accuracy").getAsDouble(),
                "eval reports train's last test accuracy");

        CliRun evalRoot = CliRun.of("eval", "--checkpoint", dir.toString());
        assertEquals(0, evalRoot.exitCode(), evalRoot::toString);
        assertTrue(evalRoot.out().contains("Accuracy: "), evalRoot::toString);
    }

    @Test
    void impossibleResumesExitWithTwoAndSayWhy() {
        Path dir = tmp.resolve("ckpt");
        CliRun none = train(dir, "--epochs", "2", "--resume");
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("there is no checkpoint in " + dir.resolve("last")), none::toString);

        CliRun noDir = CliRun.of("train", "--resume", "--epochs", "2");
        assertEquals(2, noDir.exitCode(), noDir::toString);
        assertTrue(noDir.err().contains("--resume needs --checkpoint DIR"), noDir::toString);

        assertEquals(0, train(dir, "--epochs", "1").exitCode());
        CliRun done = train(dir, "--epochs", "1", "--resume");
        assertEquals(2, done.exitCode(), done::toString);
        assertTrue(done.err().contains("has already trained 1 epoch; --epochs counts the total"), done::toString);

        List<String> args = new ArrayList<>(List.of("train", "--checkpoint", dir.toString(), "--resume", "--epochs",
                "2", "--out", tmp.resolve("pngs").toString()));
        args.addAll(List.of(SETTINGS));
        args.set(args.indexOf("16"), "32");
        CliRun other = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, other.exitCode(), other::toString);
        assertTrue(other.err().contains("the settings differ from the checkpoint's")
                && other.err().contains("batchSize 32 here, 16 in the checkpoint"), other::toString);
    }

    @Test
    void inspectListsTensorsAndMetadataAndRejectsACorruptedFile() throws IOException {
        Path dir = tmp.resolve("ckpt");
        assertEquals(0, train(dir, "--epochs", "1").exitCode());
        Path weights = dir.resolve("last").resolve(ModelIo.WEIGHTS_FILE);

        CliRun run = CliRun.of("inspect", "--json", weights.toString());
        assertEquals(0, run.exitCode(), run::toString);
        JsonObject json = run.json();
        assertEquals(weights.toString(), json.get("file").getAsString());
        assertEquals("pt", json.getAsJsonObject("metadata").get("format").getAsString());
        JsonObject first = null;
        for (var t : json.getAsJsonArray("tensors")) {
            if (t.getAsJsonObject().get("name").getAsString().equals("0.weight")) {
                first = t.getAsJsonObject();
            }
        }
        assertTrue(first != null, json::toString);
        assertEquals("F32", first.get("dtype").getAsString());
        assertEquals(4, first.getAsJsonArray("shape").size(), "a conv weight [out, in, kH, kW]");

        CliRun text = CliRun.of("inspect", dir.toString());
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().contains("0.weight") && text.out().contains("F32") && text.out().contains("format = pt"),
                text::toString);

        Path broken = tmp.resolve("broken.safetensors");
        Files.copy(weights, broken);
        try (RandomAccessFile f = new RandomAccessFile(broken.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        CliRun bad = CliRun.of("inspect", "--json", broken.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains(broken.toString()) && bad.err().contains("truncated"), bad::toString);
        assertEquals(2, bad.json().get("exitCode").getAsInt());

        CliRun missing = CliRun.of("inspect", tmp.resolve("nope.safetensors").toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertFalse(missing.err().isBlank());
    }

    @Test
    void evalOfAMalformedCheckpointExitsWithTwo() throws IOException {
        Path dir = tmp.resolve("ckpt");
        assertEquals(0, train(dir, "--epochs", "1").exitCode());
        Files.writeString(dir.resolve("last").resolve(ModelIo.CONFIG_FILE), "{\"format\": \"nope\"}");
        CliRun eval = CliRun.of("eval", "--checkpoint", dir.resolve("last").toString());
        assertEquals(2, eval.exitCode(), eval::toString);
        assertTrue(eval.err().contains("model.json") && eval.err().contains("expected \"format\""), eval::toString);
    }
}

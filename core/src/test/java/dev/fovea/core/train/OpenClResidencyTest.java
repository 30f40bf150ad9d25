package dev.fovea.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.TransferStats;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.InMemoryDataset;
import dev.fovea.core.device.OpenClTesting;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tensors stay on the device: a CNN trained with the {@link Trainer} on OpenCL uploads each batch
 * (its inputs and its labels: two uploads) and downloads one small vector (the loss and the number
 * of correct predictions) per step, nothing else, and gives its device memory back.
 */
class OpenClResidencyTest {

    /** A CNN with every layer kind of a LeNet: Conv2d, BatchNorm2d, ReLU, MaxPool2d, Flatten, Linear. */
    static Sequential smallCnn(Device device, long seed) {
        return Sequential.of(
                Conv2d.of(1, 4, 3).padding(1), BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2),
                Flatten.of(), Linear.of(4 * 4 * 4, 3)).init(device, seed);
    }

    /** {@code n} 8x8 images of three classes (a bright row, column or diagonal) with a little noise. */
    static InMemoryDataset patterns(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int label = i % 3;
            y[i] = label;
            int k = random.nextInt(8);
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    boolean on = label == 0 ? r == k : label == 1 ? c == k : r == c;
                    x[i * 64 + r * 8 + c] = (on ? 1f : 0f) + 0.1f * (float) random.nextGaussian();
                }
            }
        }
        return InMemoryDataset.of(Shape.of(1, 8, 8), x, y, 3);
    }

    @Test
    void aTrainingStepUploadsTheBatchAndDownloadsTheLossOnly() {
        Device device = OpenClTesting.requireOpenCl();
        Sequential model = smallCnn(device, 7);
        AbstractOptimizer optimizer = Sgd.momentum(0.9).lr(0.05).over(model.parameters());
        int batch = 16;
        int warmUp = 3;
        int steps = 12;
        DataLoader warmData = DataLoader.over(patterns(batch * warmUp, 1)).batchSize(batch).shuffle(3).device(device);
        DataLoader data = DataLoader.over(patterns(batch * steps, 2)).batchSize(batch).shuffle(4).device(device);

        // Warm-up: the momentum buffers, gradients, cached constants and index ramps come into being.
        Trainer.epochs(1).fit(model, Losses::crossEntropy, optimizer, warmData, null);
        TransferStats before = OpenClTesting.stats(device);
        List<TransferStats> perStep = new ArrayList<>();
        TrainingResult result = Trainer.epochs(2).listener(new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEvent event) {
                perStep.add(OpenClTesting.stats(device));
            }
        }).fit(model, Losses::crossEntropy, optimizer, data, null);
        TransferStats after = OpenClTesting.stats(device);
        TransferStats delta = after.since(before);
        int n = 2 * steps;
        System.out.println("OpenCL residency, " + n + " Trainer steps: " + delta);
        assertEquals(2L * n, delta.uploads(), "two uploads per step: the batch's inputs and its labels");
        assertEquals((long) n * (batch * 64 * 4 + batch * 4), delta.uploadBytes(), "inputs (FLOAT32) + labels (INT32)");
        assertEquals(n, delta.downloads(), "one download per step: the loss with the correct-prediction count");
        assertEquals(n * 2L * 4, delta.downloadBytes(), "two FLOAT32 values per step");
        assertEquals(n, perStep.size());
        TransferStats previous = before;
        for (TransferStats s : perStep) {
            TransferStats step = s.since(previous);
            assertEquals(2, step.uploads(), "uploads of one step: " + step);
            assertEquals(1, step.downloads(), "downloads of one step: " + step);
            // Deterministic release: after every step (its gradients alive until the next one) the same bytes
            // are in use, and the pool does not grow: each step reuses the buffers the previous one released.
            assertEquals(before.bytesInUse(), s.bytesInUse(), "device bytes in use after a step: " + step);
            assertEquals(before.pooledBytes(), s.pooledBytes(), "pooled bytes after a step: " + step);
            previous = s;
        }
        assertEquals(before.bytesInUse(), after.bytesInUse(), "device memory in use back to its level before the steps");
        assertTrue(result.epochs().get(1).trainLoss() < 1.0, "it learns: " + result.epochs());
    }
}

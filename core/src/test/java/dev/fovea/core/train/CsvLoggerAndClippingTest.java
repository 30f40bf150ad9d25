package dev.fovea.core.train;

import static dev.fovea.core.train.TrainFixtures.CPU;
import static dev.fovea.core.train.TrainFixtures.blobs;
import static dev.fovea.core.train.TrainFixtures.loader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Tensor;
import dev.fovea.core.train.TrainFixtures.TestSgd;
import dev.fovea.core.train.TrainFixtures.TinyLinear;
import dev.fovea.core.tensor.DenseTensor;
import dev.fovea.core.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoggerAndClippingTest {

    @Test
    void csvLoggerWritesAHeaderAndOneRowPerEpoch(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("runs/metrics.csv");
        TinyLinear model = new TinyLinear(2, 3, 9);
        Trainer trainer = Trainer.epochs(3).evaluateEvery(2).metric("ce", TrainFixtures::crossEntropy)
                .listener(CsvLogger.to(csv));
        TrainingResult result = trainer.fit(model, TrainFixtures::crossEntropy, new TestSgd(model, 0.5),
                loader(blobs(90, 1), 30), loader(blobs(30, 2), 30));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals("epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_second,seconds,learning_rate,"
                + "ce,val_ce", lines.get(0));
        for (int i = 1; i <= 3; i++) {
            String[] cells = lines.get(i).split(",", -1);
            assertEquals(10, cells.length, lines.get(i));
            assertEquals(String.valueOf(i), cells[0]);
            EpochMetrics m = result.epochs().get(i - 1);
            assertEquals(m.trainLoss(), Double.parseDouble(cells[1]), 1e-5 * m.trainLoss());
            assertEquals(0.5, Double.parseDouble(cells[7]));
        }
        assertEquals("", lines.get(1).split(",", -1)[3], "epoch 1 was not validated: empty cell");
        assertTrue(!lines.get(2).split(",", -1)[3].isEmpty());

        // a resumed run appends without a second header
        TinyLinear again = new TinyLinear(2, 3, 9);
        Trainer.epochs(4).metric("ce", TrainFixtures::crossEntropy).listener(CsvLogger.appendingTo(csv))
                .fit(again, TrainFixtures::crossEntropy, new TestSgd(again, 0.5), loader(blobs(90, 1), 30),
                        loader(blobs(30, 2), 30), 3);
        List<String> appended = Files.readAllLines(csv);
        assertEquals(5, appended.size());
        assertTrue(appended.get(4).startsWith("4,"), appended.get(4));
        assertEquals(10, appended.get(4).split(",", -1).length);
    }

    @Test
    void clippingScalesTheGlobalNormDownToTheLimit() {
        Tensor a = Tensors.of(CPU, new float[] {1, 2}, 2).requiresGrad(true);
        Tensor b = Tensors.of(CPU, new float[] {3}, 1).requiresGrad(true);
        Tensor frozen = Tensors.of(CPU, new float[] {5}, 1).requiresGrad(true);
        // d/da of sum(a * [3, 0]) = [3, 0]; d/db of sum(b * 4) = [4]: global norm 5
        a.mul(Tensors.of(CPU, new float[] {3, 0}, 2)).sum().add(b.mul(4).sum()).backward();
        try (Tensor norm = GradientClipping.clipByGlobalNorm(List.of(a, b, frozen), 1.0)) {
            assertEquals(5.0, norm.item(), 1e-6);
        }
        assertArrayEquals(new float[] {0.6f, 0f}, a.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.8f}, b.grad().toFloatArray(), 1e-6f);
        assertNull(frozen.grad());

        // within the limit nothing changes
        try (Tensor norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 2.0)) {
            assertEquals(1.0, norm.item(), 1e-6);
        }
        assertArrayEquals(new float[] {0.6f, 0f}, a.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.8f}, b.grad().toFloatArray(), 1e-6f);

        assertNull(GradientClipping.clipByGlobalNorm(List.of(frozen), 1.0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(List.of(a), 0));
    }

    @Test
    void clippingIsRightWhenGradientsShareMemory() {
        // z = a + b: both gradients may be the same upstream tensor; each must be scaled exactly once
        Tensor a = Tensors.of(CPU, new float[] {0, 0}, 2).requiresGrad(true);
        Tensor b = Tensors.of(CPU, new float[] {0, 0}, 2).requiresGrad(true);
        a.add(b).mul(Tensors.of(CPU, new float[] {3, 4}, 2)).sum().backward();
        assertTrue(((DenseTensor) a.grad()).sharesStorageWith(b.grad()), "the case this test is about");
        try (Tensor norm = GradientClipping.clipByGlobalNorm(List.of(a, b), 5.0 / Math.sqrt(2))) {
            assertEquals(5 * Math.sqrt(2), norm.item(), 1e-5);
        }
        assertArrayEquals(new float[] {1.5f, 2f}, a.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {1.5f, 2f}, b.grad().toFloatArray(), 1e-5f);
    }
}

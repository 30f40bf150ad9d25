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

class CsvLoggerTest {

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
}

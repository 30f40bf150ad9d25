package dev.fovea.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Dataset;
import dev.fovea.core.data.Datasets;
import dev.fovea.core.data.InMemoryDataset;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Dropout;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers of the checkpoint tests. */
final class IoTesting {
    private IoTesting() {}

    static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    /** conv + BN + ReLU + pool + dropout + flatten + linear for the 8x8 digits: [N, 1, 8, 8] -> [N, 10]. */
    static Sequential.Config smallCnn() {
        return Sequential.of(Conv2d.of(1, 4, 3).padding(1), BatchNorm2d.of(4), ReLU.of(), MaxPool2d.of(2),
                Dropout.of(0.25), Flatten.of(), Linear.of(4 * 4 * 4, 10));
    }

    /** The first {@code limit} examples of the seeded digits training split. */
    static Dataset digits(int limit) {
        InMemoryDataset train = (InMemoryDataset) Datasets.digitsSplit(7, 0.2).train();
        int[] first = new int[Math.min(limit, train.size())];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        return train.subset(first);
    }

    static DataLoader loader(Dataset data, long seed) {
        return DataLoader.over(data).batchSize(32).shuffle(seed).device(cpu());
    }

    /** Asserts every parameter and buffer of {@code a} and {@code b} has the same name, shape and bits. */
    static void assertSameBits(Layer a, Layer b) {
        Map<String, Tensor> x = ModelIo.stateDict(a);
        Map<String, Tensor> y = ModelIo.stateDict(b);
        assertEquals(x.keySet(), y.keySet());
        x.forEach((name, t) -> assertSameBits(name, t, y.get(name)));
    }

    static void assertSameBits(String name, Tensor a, Tensor b) {
        assertEquals(a.shape(), b.shape(), name);
        assertEquals(a.dtype(), b.dtype(), name);
        TensorData da = TensorData.copyOf(a);
        TensorData db = TensorData.copyOf(b);
        double[] va = da.toDoubleArray();
        double[] vb = db.toDoubleArray();
        for (int i = 0; i < va.length; i++) {
            if (Double.doubleToRawLongBits(va[i]) != Double.doubleToRawLongBits(vb[i])) {
                throw new AssertionError(name + "[" + i + "]: " + va[i] + " != " + vb[i]);
            }
        }
    }

    /** Asserts {@code body} throws a CheckpointFormatException naming {@code file} and containing {@code fragment}. */
    static CheckpointFormatException assertRejected(Path file, String fragment, Executable body) {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, body);
        assertEquals(file.getFileName(), e.file().getFileName(), e.getMessage());
        assertTrue(e.getMessage().startsWith(e.file().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        return e;
    }
}

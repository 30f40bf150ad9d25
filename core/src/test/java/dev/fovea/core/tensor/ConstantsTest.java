package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Tensor;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import org.junit.jupiter.api.Test;

/** Scalar operands come from a bounded per-device cache instead of a fresh buffer per call. */
class ConstantsTest {

    @Test
    void repeatedScalarsAllocateOnce() {
        CountingBackend counting = new CountingBackend(((BackendDevice) Devices.get("cpu")).backend());
        BackendDevice device = new BackendDevice(counting);
        Tensor x = Tensors.of(device, new float[] {1, 2, 3}, 3);
        x.mul(0.25).close();
        counting.reset();
        for (int step = 0; step < 10; step++) {
            x.mul(0.25).close();
        }
        assertEquals(10, counting.count("allocate"), "one allocation per result, none for the constant");
        assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f}, x.mul(0.25).toFloatArray());
    }

    @Test
    void cacheIsBoundedAndKeepsNegativeZeroApart() {
        BackendDevice device = new BackendDevice(((BackendDevice) Devices.get("cpu")).backend());
        Tensor x = Tensors.of(device, new double[] {1}, 1);
        for (int i = 0; i < Constants.CAPACITY * 2; i++) {
            assertEquals(1 + i, x.add(i).item(), 0.0);
        }
        assertTrue(Constants.size(device) <= Constants.CAPACITY);
        assertEquals(Double.POSITIVE_INFINITY, x.div(0.0).item());
        assertEquals(Double.NEGATIVE_INFINITY, x.div(-0.0).item());
    }
}

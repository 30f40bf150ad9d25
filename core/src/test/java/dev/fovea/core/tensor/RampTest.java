package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fovea.api.DType;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Index ramps are built on the device, so ops that need them cost no host transfer. */
class RampTest {

    private static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 17, 4096, 4097})
    void arangeIsExactOnBothSidesOfTheDeviceLimit(int n) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] values = Tensors.arange(cpu(), dtype, n).toDoubleArray();
            assertEquals(n, values.length);
            for (int i = 0; i < n; i++) {
                assertEquals(i, values[i], 0.0, dtype + " ramp of " + n + " at " + i);
            }
        }
    }

    @Test
    void maxBackwardMakesNoHostTransfer() {
        CountingBackend counting = new CountingBackend(cpu().backend());
        BackendDevice device = new BackendDevice(counting);
        Tensor x = Tensors.of(device, new float[] {1, 5, 2, 7, 3, 7}, 2, 3).requiresGrad(true);
        counting.reset();
        x.max(1, false).sum().backward();
        assertEquals(0, counting.count("upload"), "max backward must not upload an index ramp");
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0}, x.grad().toFloatArray(), "first maximum of each row");
    }
}

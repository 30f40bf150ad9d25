package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.core.device.Devices;
import org.junit.jupiter.api.Test;

/** In-place writes: what optimizers and running statistics rely on, and where autograd forbids them. */
class AssignTest {
    private final Device cpu = Devices.get("cpu");

    @Test
    void overwritesValuesAndViewsSeeThem() {
        DenseTensor t = Tensors.of(cpu, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        DenseTensor row = t.slice(0, 1, 2);
        assertSame(t, t.assign(Tensors.of(cpu, new float[] {10, 20, 30}, 3)));
        assertArrayEquals(new float[] {10, 20, 30, 10, 20, 30}, t.toFloatArray());
        assertArrayEquals(new float[] {10, 20, 30}, row.toFloatArray());
    }

    @Test
    void convertsDtypeAndCopiesFromItsOwnTranspose() {
        DenseTensor t = Tensors.of(cpu, new double[] {1, 2, 3, 4}, 2, 2);
        t.assign(t.transpose(0, 1));
        assertArrayEquals(new double[] {1, 3, 2, 4}, t.toDoubleArray());
        DenseTensor f = Tensors.zeros(cpu, DType.FLOAT32, Shape.of(2));
        f.assign(Tensors.ofInts(cpu, new int[] {7, -3}, 2));
        assertArrayEquals(new float[] {7, -3}, f.toFloatArray());
    }

    @Test
    void refusedOnParametersOutsideNoGrad() {
        DenseTensor w = Tensors.of(cpu, new float[] {1, 2}, 2).requiresGrad(true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.assign(Tensors.zerosLike(w)));
        assertTrue(e.getMessage().contains("NoGrad"), e.getMessage());
        try (NoGrad scope = NoGrad.enter()) {
            w.assign(w.sub(w.mul(0.5)));
        }
        assertArrayEquals(new float[] {0.5f, 1f}, w.toFloatArray());
    }

    @Test
    void refusedOnGraphResultsAndBadShapes() {
        DenseTensor w = Tensors.of(cpu, new float[] {1, 2}, 2).requiresGrad(true);
        DenseTensor y = w.mul(2.0);
        assertThrows(IllegalStateException.class, () -> {
            try (NoGrad scope = NoGrad.enter()) {
                y.assign(Tensors.zerosLike(y));
            }
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.zeros(cpu, DType.FLOAT32, Shape.of(2)).assign(Tensors.zeros(cpu, DType.FLOAT32, Shape.of(3))));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
    }
}

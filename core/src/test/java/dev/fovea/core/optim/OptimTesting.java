package dev.fovea.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.Tensors;

/** Helpers: parameters on the CPU device and gradients set to known values through a real backward pass. */
final class OptimTesting {
    private OptimTesting() {}

    static Device cpu() {
        return Devices.get("cpu");
    }

    /** A FLOAT64 parameter. */
    static Tensor param(double[] values, int... shape) {
        return Tensors.of(cpu(), values.clone(), shape).requiresGrad(true);
    }

    /** A FLOAT32 parameter. */
    static Tensor param(float[] values, int... shape) {
        return Tensors.of(cpu(), values.clone(), shape).requiresGrad(true);
    }

    /** Makes {@code p.grad()} exactly {@code g}: backward of {@code sum(p * g)}. */
    static void setGrad(Tensor p, double[] g) {
        p.zeroGrad();
        Tensor weights = p.dtype() == dev.fovea.api.DType.FLOAT64
                ? Tensors.of(p.device(), g.clone(), p.shape().dims())
                : Tensors.of(p.device(), toFloats(g), p.shape().dims());
        p.mul(weights).sum().backward();
    }

    static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    static void assertValues(double[] expected, Tensor actual, double tolerance) {
        assertValues(expected, actual.toDoubleArray(), tolerance, "");
    }

    static void assertValues(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + ": element " + i);
        }
    }
}

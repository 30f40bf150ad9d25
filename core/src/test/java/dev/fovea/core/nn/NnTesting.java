package dev.fovea.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Shared helpers of the layer and loss tests. */
final class NnTesting {
    private NnTesting() {}

    static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    static Tensor f32(float[] data, int... shape) {
        return Tensors.of(cpu(), data, shape);
    }

    static Tensor f64(double[] data, int... shape) {
        return Tensors.of(cpu(), data, shape);
    }

    static Tensor labels(int... values) {
        return Tensors.ofInts(cpu(), values, values.length);
    }

    /** {@code n} values uniform in [low, high), deterministic for the seed. */
    static double[] values(long seed, int n, double low, double high) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return v;
    }

    /** A FLOAT64 tensor with values in [-1, 1). */
    static Tensor random64(long seed, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return f64(values(seed, n, -1, 1), shape);
    }

    /** A FLOAT64 tensor of distinct values, well apart (unique maxima, no zeros), in shuffled order. */
    static Tensor distinct64(long seed, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = -1 + 2.0 * i / n + 1.0 / (2 * n);
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return f64(v, shape);
    }

    /** Overwrites a parameter or buffer in place. */
    static void set(Tensor target, double[] values) {
        try (NoGrad scope = NoGrad.enter()) {
            target.assign(f64(values, target.shape().dims()).to(target.dtype()));
        }
    }

    static void assertValues(double[] expected, Tensor actual, double tolerance) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, "number of elements of " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tolerance, "element " + i + " of " + actual);
        }
    }

    /**
     * Gradient check of {@code layer.forward} with respect to its input and every parameter, through
     * {@link Layers#functionalCall}; PyTorch's tolerances.
     */
    static void gradCheckLayer(Layer layer, Tensor input) {
        List<String> names = new ArrayList<>(layer.parameters().keySet());
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(input.detach().requiresGrad(true));
        for (String name : names) {
            inputs.add(layer.parameters().get(name));
        }
        GradCheck.assertGradients(in -> {
            Map<String, Tensor> substitutes = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                substitutes.put(names.get(i), in.get(i + 1));
            }
            return Layers.functionalCall(layer, substitutes, in.get(0));
        }, inputs);
    }
}

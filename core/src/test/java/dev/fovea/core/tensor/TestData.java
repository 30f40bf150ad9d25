package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fovea.api.Tensor;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import java.util.Random;

/** Shared test helpers: the CPU device and deterministic test data. */
final class TestData {
    private TestData() {}

    static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    /** {@code n} values uniform in {@code [low, high)}, deterministic for the seed. */
    static double[] values(long seed, int n, double low, double high) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return v;
    }

    /**
     * {@code n} distinct values, at least {@code 2 / n} apart, in shuffled order in {@code [-1, 1)}: maxima
     * are unique and far from ties compared with a finite-difference step.
     */
    static double[] distinct(long seed, int n) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = -1 + 2.0 * i / n;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return v;
    }

    static void assertValues(double[] expected, Tensor actual, double tolerance) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, "number of elements of " + actual);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tolerance, "element " + i + " of " + actual);
        }
    }
}

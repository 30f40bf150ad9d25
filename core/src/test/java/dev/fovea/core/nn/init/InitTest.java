package dev.fovea.core.nn.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import dev.fovea.core.nn.init.Init.FanMode;
import dev.fovea.core.nn.init.Init.Fans;
import dev.fovea.core.nn.init.Init.Nonlinearity;
import dev.fovea.core.tensor.RandomSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Initialisers: fans, bounds and standard deviations measured over large tensors, determinism. */
class InitTest {

    private static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    private static double[] draw(Init init, int... shape) {
        return init.create(cpu(), DType.FLOAT64, Shape.of(shape), new RandomSource(123)).toDoubleArray();
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length);
    }

    private static double maxAbs(double[] v) {
        return Arrays.stream(v).map(Math::abs).max().orElseThrow();
    }

    @Test
    void fansFollowPyTorch() {
        assertEquals(new Fans(3, 4), Fans.of(Shape.of(4, 3)));
        assertEquals(new Fans(32 * 25, 64 * 25), Fans.of(Shape.of(64, 32, 5, 5)));
        assertEquals(new Fans(2 * 3, 8 * 3), Fans.of(Shape.of(8, 2, 3)));
        var e = assertThrows(IllegalArgumentException.class, () -> Fans.of(Shape.of(5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Init.xavierUniform().create(cpu(), DType.FLOAT32, Shape.of(7), new RandomSource(1)));
    }

    @Test
    void gainsFollowCalculateGain() {
        assertEquals(1.0, Nonlinearity.LINEAR.gain(0));
        assertEquals(Math.sqrt(2), Nonlinearity.RELU.gain(0));
        assertEquals(Math.sqrt(2.0 / (1 + 0.01 * 0.01)), Nonlinearity.LEAKY_RELU.gain(0.01));
        assertEquals(5.0 / 3, Nonlinearity.TANH.gain(0));
    }

    @Test
    void pytorchDefaultKaimingUniformHasBoundOneOverSqrtFanIn() {
        Init.KaimingUniform init = Init.KaimingUniform.pytorchDefault();
        Shape shape = Shape.of(64, 32, 5, 5);
        double bound = 1 / Math.sqrt(800);
        assertEquals(bound, init.bound(shape), 1e-15);
        double[] v = draw(init, 64, 32, 5, 5);
        assertTrue(maxAbs(v) < bound);
        assertTrue(maxAbs(v) > 0.999 * bound, "largest |value| " + maxAbs(v) + " vs bound " + bound);
        assertEquals(0, mean(v), 0.01 * bound);
        assertEquals(bound / Math.sqrt(3), std(v), 0.01 * bound / Math.sqrt(3));
    }

    @Test
    void kaimingUniformAndNormalForReluWithBothFanModes() {
        double[] u = draw(Init.kaimingUniform(), 200, 500);
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 500);
        assertTrue(maxAbs(u) < bound && maxAbs(u) > 0.999 * bound);
        double[] n = draw(Init.kaimingNormal(), 200, 500);
        assertEquals(Math.sqrt(2.0 / 500), std(n), 0.01 * Math.sqrt(2.0 / 500));
        double[] out = draw(new Init.KaimingNormal(0, FanMode.FAN_OUT, Nonlinearity.RELU), 200, 500);
        assertEquals(Math.sqrt(2.0 / 200), std(out), 0.01 * Math.sqrt(2.0 / 200));
        assertEquals(Math.sqrt(2.0 / (1 + 0.04)) / Math.sqrt(500),
                new Init.KaimingNormal(0.2, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU).std(Shape.of(200, 500)), 1e-15);
    }

    @Test
    void xavierStatisticsOverALargeTensor() {
        double expectedStd = Math.sqrt(2.0 / (256 + 512));
        double[] n = draw(Init.xavierNormal(), 512, 256);
        assertEquals(0, mean(n), 0.01 * expectedStd);
        assertEquals(expectedStd, std(n), 0.01 * expectedStd);
        double bound = Math.sqrt(6.0 / (256 + 512));
        double[] u = draw(Init.xavierUniform(), 512, 256);
        assertTrue(maxAbs(u) < bound && maxAbs(u) > 0.999 * bound);
        assertEquals(expectedStd, std(u), 0.01 * expectedStd, "uniform on [-b, b) has std b / sqrt(3)");
        double[] g = draw(new Init.XavierNormal(2.0), 512, 256);
        assertEquals(2 * expectedStd, std(g), 0.02 * expectedStd);
    }

    @Test
    void constantsNormalAndUniform() {
        assertTrue(Arrays.stream(draw(Init.zeros(), 3, 4)).allMatch(x -> x == 0));
        assertTrue(Arrays.stream(draw(Init.ones(), 5)).allMatch(x -> x == 1));
        assertTrue(Arrays.stream(draw(Init.constant(-0.5), 2, 2)).allMatch(x -> x == -0.5));
        double[] n = draw(Init.normal(3, 0.5), 100_000);
        assertEquals(3, mean(n), 0.01);
        assertEquals(0.5, std(n), 0.005);
        double[] u = draw(Init.uniform(-2, 6), 100_000);
        assertTrue(Arrays.stream(u).allMatch(x -> x >= -2 && x < 6));
        assertEquals(2, mean(u), 0.05);
        assertThrows(IllegalArgumentException.class, () -> Init.uniform(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Init.normal(0, -1));
        assertThrows(IllegalArgumentException.class,
                () -> Init.normal(0, 1).create(cpu(), DType.INT32, Shape.of(2), new RandomSource(1)));
    }

    @Test
    void sameSeedSameValuesAndTheStreamAdvances() {
        Init init = Init.kaimingUniform();
        RandomSource a = new RandomSource(5);
        RandomSource b = new RandomSource(5);
        Tensor a1 = init.create(cpu(), DType.FLOAT32, Shape.of(16, 8), a);
        Tensor b1 = init.create(cpu(), DType.FLOAT32, Shape.of(16, 8), b);
        assertArrayEquals(a1.toFloatArray(), b1.toFloatArray());
        assertEquals(128, a.counter());
        Tensor a2 = init.create(cpu(), DType.FLOAT32, Shape.of(16, 8), a);
        assertFalse(Arrays.equals(a1.toFloatArray(), a2.toFloatArray()));
        assertFalse(Arrays.equals(a1.toFloatArray(),
                init.create(cpu(), DType.FLOAT32, Shape.of(16, 8), new RandomSource(6)).toFloatArray()));
    }

    @Test
    void biasDefaultUsesTheWeightsFanIn() {
        assertEquals(new Init.Uniform(-1 / Math.sqrt(12), 1 / Math.sqrt(12)), Init.biasDefault(Shape.of(5, 3, 2, 2)));
        assertEquals(new Init.KaimingUniform(Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU),
                Init.pytorchDefault());
    }
}

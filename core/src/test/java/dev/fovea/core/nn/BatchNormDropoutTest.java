package dev.fovea.core.nn;

import static dev.fovea.core.nn.NnTesting.assertValues;
import static dev.fovea.core.nn.NnTesting.cpu;
import static dev.fovea.core.nn.NnTesting.f32;
import static dev.fovea.core.nn.NnTesting.f64;
import static dev.fovea.core.nn.NnTesting.random64;
import static dev.fovea.core.nn.NnTesting.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BatchNorm1d/2d (train and eval, running statistics) and Dropout. */
class BatchNormDropoutTest {

    /** Per channel of NCHW data: {mean, biased variance, unbiased variance}. */
    private static double[][] channelStats(double[] x, int n, int c, int hw) {
        double[][] s = new double[c][3];
        int count = n * hw;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    sum += x[(i * c + ch) * hw + k];
                }
            }
            double mean = sum / count;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < hw; k++) {
                    double d = x[(i * c + ch) * hw + k] - mean;
                    sq += d * d;
                }
            }
            s[ch] = new double[] {mean, sq / count, sq / (count - 1)};
        }
        return s;
    }

    @Test
    void batchNorm2dTrainNormalisesEachChannelAndUpdatesRunningStatsByTheFormula() {
        int n = 4, c = 3, h = 5, w = 5;
        double[] raw = NnTesting.values(21, n * c * h * w, -2, 6);
        BatchNorm2d bn = BatchNorm2d.of(c).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.parameters().keySet()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.buffers().keySet()));
        assertTrue(bn.isTraining());
        Tensor y = bn.forward(f64(raw, n, c, h, w));

        double[][] out = channelStats(y.toDoubleArray(), n, c, h * w);
        double[][] in = channelStats(raw, n, c, h * w);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(0, out[ch][0], 1e-12, "mean of channel " + ch);
            assertEquals(in[ch][1] / (in[ch][1] + 1e-5), out[ch][1], 1e-12, "variance of channel " + ch);
            assertEquals(1, out[ch][1], 1e-4);
        }
        double[] rm = bn.runningMean().toDoubleArray();
        double[] rv = bn.runningVar().toDoubleArray();
        for (int ch = 0; ch < c; ch++) {
            assertEquals(0.9 * 0 + 0.1 * in[ch][0], rm[ch], 1e-14, "running_mean " + ch);
            assertEquals(0.9 * 1 + 0.1 * in[ch][2], rv[ch], 1e-14, "running_var uses the unbiased variance " + ch);
        }
        assertEquals(DType.INT32, bn.numBatchesTracked().dtype());
        assertEquals(1, bn.numBatchesTracked().item());
        bn.forward(f64(raw, n, c, h, w));
        assertEquals(2, bn.numBatchesTracked().item());
        double[] rm2 = bn.runningMean().toDoubleArray();
        for (int ch = 0; ch < c; ch++) {
            assertEquals(0.9 * rm[ch] + 0.1 * in[ch][0], rm2[ch], 1e-14);
        }
    }

    @Test
    void batchNorm2dFloat32RunningStatsAndAffine() {
        int n = 2, c = 2, hw = 4;
        double[] raw = NnTesting.values(22, n * c * hw, 0, 3);
        BatchNorm2d bn = BatchNorm2d.of(c).momentum(0.25).init(cpu(), new RandomSource(1));
        set(bn.weight(), new double[] {2, -1});
        set(bn.bias(), new double[] {0.5, 3});
        Tensor y = bn.forward(f64(raw, n, c, 2, 2).to(DType.FLOAT32));
        double[][] in = channelStats(raw, n, c, hw);
        double[][] out = channelStats(y.toDoubleArray(), n, c, hw);
        assertEquals(0.5, out[0][0], 1e-5);
        assertEquals(3, out[1][0], 1e-5);
        assertEquals(4 * in[0][1] / (in[0][1] + 1e-5), out[0][1], 1e-4);
        assertValues(new double[] {0.25 * in[0][0], 0.25 * in[1][0]}, bn.runningMean(), 1e-6);
        assertValues(new double[] {0.75 + 0.25 * in[0][2], 0.75 + 0.25 * in[1][2]}, bn.runningVar(), 1e-6);
    }

    @Test
    void batchNormEvalUsesRunningStatistics() {
        BatchNorm2d bn = BatchNorm2d.of(2).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        set(bn.runningMean(), new double[] {1, -2});
        set(bn.runningVar(), new double[] {4, 0.25});
        set(bn.weight(), new double[] {3, 1});
        set(bn.bias(), new double[] {0, 1});
        bn.setTraining(false);
        Tensor y = bn.forward(f64(new double[] {5, 1, 0, -1}, 1, 2, 1, 2));
        double s0 = Math.sqrt(4 + 1e-5);
        double s1 = Math.sqrt(0.25 + 1e-5);
        assertValues(new double[] {3 * 4 / s0, 0, 2 / s1 + 1, 1 / s1 + 1}, y, 1e-12);
        assertEquals(0, bn.numBatchesTracked().item(), "eval mode leaves the statistics alone");
        assertValues(new double[] {1, -2}, bn.runningMean(), 0);
    }

    @Test
    void batchNorm1dOnNcAndNclInputs() {
        BatchNorm1d bn = BatchNorm1d.of(2).affine(false).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        assertTrue(bn.parameters().isEmpty());
        Tensor y = bn.forward(f64(new double[] {1, 10, 3, 30}, 2, 2));
        double s = Math.sqrt(1 + 1e-5);
        double t = Math.sqrt(100 + 1e-5);
        assertValues(new double[] {-1 / s, -10 / t, 1 / s, 10 / t}, y, 1e-12);
        assertValues(new double[] {0.2, 2}, bn.runningMean(), 1e-14);
        assertValues(new double[] {0.9 + 0.1 * 2, 0.9 + 0.1 * 200}, bn.runningVar(), 1e-12);
        assertEquals(Shape.of(3, 2, 4), bn.forward(random64(1, 3, 2, 4)).shape());
        var e = assertThrows(IllegalArgumentException.class, () -> bn.forward(random64(1, 3, 5)));
        assertTrue(e.getMessage().contains("BatchNorm1d(2") && e.getMessage().contains("[N, 2] or [N, 2, L]")
                && e.getMessage().contains("[3, 5]"), e.getMessage());
        var one = assertThrows(IllegalArgumentException.class, () -> bn.forward(random64(1, 1, 2)));
        assertTrue(one.getMessage().contains("more than 1 value per channel"), one.getMessage());
    }

    @Test
    void batchNormGradientsInTrainAndEvalMode() {
        BatchNorm2d bn2 = BatchNorm2d.of(2).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        set(bn2.weight(), new double[] {1.5, -0.5});
        set(bn2.bias(), new double[] {0.2, 0.1});
        NnTesting.gradCheckLayer(bn2, random64(31, 3, 2, 2, 2));
        bn2.setTraining(false);
        NnTesting.gradCheckLayer(bn2, random64(32, 3, 2, 2, 2));
        BatchNorm1d bn1 = BatchNorm1d.of(3).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        NnTesting.gradCheckLayer(bn1, random64(33, 4, 3));
        NnTesting.gradCheckLayer(bn1, random64(34, 2, 3, 3));
    }

    // ---- Dropout --------------------------------------------------------------------------------

    @Test
    void dropoutIsTheIdentityInEvalMode() {
        Dropout d = Dropout.of(0.5).init(cpu(), new RandomSource(1));
        d.setTraining(false);
        Tensor x = f32(new float[] {1, 2, 3}, 3);
        assertSame(x, d.forward(x));
    }

    @Test
    void dropoutZeroesAboutPOfTheEntriesAndScalesTheRest() {
        double p = 0.3;
        Dropout d = Dropout.of(p).init(cpu(), new RandomSource(1));
        int n = 100_000;
        float[] ones = new float[n];
        Arrays.fill(ones, 2f);
        double[] y = d.forward(f32(ones, n)).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(2 / (1 - p), v, 1e-6);
            }
        }
        // binomial standard deviation sqrt(n p (1 - p)) ~ 145; allow 5 of them
        assertEquals(p * n, zeros, 5 * Math.sqrt(n * p * (1 - p)));
    }

    @Test
    void dropoutMasksAreReproducibleFromTheInitSeedAndChangeEveryStep() {
        Tensor x = Tensors.ones(cpu(), DType.FLOAT32, Shape.of(64));
        Dropout a = Dropout.of(0.5).init(cpu(), new RandomSource(9));
        Dropout b = Dropout.of(0.5).init(cpu(), new RandomSource(9));
        Dropout c = Dropout.of(0.5).init(cpu(), new RandomSource(10));
        float[] a1 = a.forward(x).toFloatArray();
        assertArrayEquals(a1, b.forward(x).toFloatArray());
        assertFalse(Arrays.equals(a1, c.forward(x).toFloatArray()));
        float[] a2 = a.forward(x).toFloatArray();
        assertFalse(Arrays.equals(a1, a2), "a new mask every step");
        assertArrayEquals(a2, b.forward(x).toFloatArray());
    }

    @Test
    void dropoutExtremesAndGradient() {
        Tensor x = f64(new double[] {1, -2, 3}, 3);
        assertSame(x, Dropout.of(0).init(cpu(), new RandomSource(1)).forward(x));
        assertValues(new double[] {0, 0, 0}, Dropout.of(1).init(cpu(), new RandomSource(1)).forward(x), 0);
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(1.5));
        // a freshly built layer draws the same mask each call, so the function is deterministic
        GradCheck.assertGradients(in -> Dropout.of(0.4).init(cpu(), new RandomSource(3)).forward(in.get(0)),
                List.of(random64(35, 4, 5).requiresGrad(true)));
        Dropout d = Dropout.of(0.4).init(cpu(), new RandomSource(3));
        Tensor leaf = random64(36, 50).requiresGrad(true);
        Tensor y = d.forward(leaf);
        y.sum().backward();
        double[] g = leaf.grad().toDoubleArray();
        double[] out = y.toDoubleArray();
        for (int i = 0; i < g.length; i++) {
            assertEquals(out[i] == 0 ? 0 : 1 / 0.6, g[i], 1e-12);
        }
    }
}

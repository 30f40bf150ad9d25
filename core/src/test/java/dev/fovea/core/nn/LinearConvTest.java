package dev.fovea.core.nn;

import static dev.fovea.core.nn.NnTesting.assertValues;
import static dev.fovea.core.nn.NnTesting.cpu;
import static dev.fovea.core.nn.NnTesting.f32;
import static dev.fovea.core.nn.NnTesting.f64;
import static dev.fovea.core.nn.NnTesting.random64;
import static dev.fovea.core.nn.NnTesting.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.RandomSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linear, Conv1d and Conv2d: forward values by hand, configs, errors and gradient checks. */
class LinearConvTest {

    // ---- Linear ---------------------------------------------------------------------------------

    @Test
    void linearComputesXWTransposePlusBiasOnA2x3Input() {
        Linear fc = Linear.of(3, 2).init(cpu(), new RandomSource(1));
        assertEquals(Shape.of(2, 3), fc.weight().shape());
        assertEquals(Shape.of(2), fc.bias().shape());
        set(fc.weight(), new double[] {1, 0, -1, 0.5, 0.5, 0.5});
        set(fc.bias(), new double[] {0.1, -0.2});
        Tensor y = fc.forward(f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertEquals(Shape.of(2, 2), y.shape());
        assertValues(new double[] {-1.9, 2.8, -1.9, 7.3}, y, 1e-6);
    }

    @Test
    void linearAcceptsLeadingDimsAndUnbatchedInputs() {
        Linear fc = Linear.of(3, 2).bias(false).init(cpu(), new RandomSource(1));
        assertNull(fc.bias());
        assertEquals(List.of("weight"), List.copyOf(fc.parameters().keySet()));
        set(fc.weight(), new double[] {1, 0, -1, 0.5, 0.5, 0.5});
        assertEquals(Shape.of(4, 2, 2), fc.forward(f32(new float[24], 4, 2, 3)).shape());
        assertValues(new double[] {-2, 3}, fc.forward(f32(new float[] {1, 2, 3}, 3)), 1e-6);
    }

    @Test
    void linearDefaultInitIsPyTorchsUniformOneOverSqrtFanIn() {
        Linear fc = Linear.of(400, 50).init(cpu(), new RandomSource(3));
        double bound = 1 / Math.sqrt(400);
        for (Tensor t : List.of(fc.weight(), fc.bias())) {
            double max = 0;
            for (double v : t.toDoubleArray()) {
                assertTrue(Math.abs(v) <= bound, v + " outside +-" + bound);
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 0.9 * bound, "largest |value| " + max + " should approach the bound " + bound);
        }
    }

    @Test
    void linearWrongFeaturesNamesLayerExpectedAndActualShape() {
        Linear fc = Linear.of(3, 2).init(cpu(), new RandomSource(1));
        var e = assertThrows(IllegalArgumentException.class, () -> fc.forward(f32(new float[8], 2, 4)));
        assertTrue(e.getMessage().contains("Linear(in_features=3, out_features=2"), e.getMessage());
        assertTrue(e.getMessage().contains("[..., 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void linearGradients() {
        Linear fc = Linear.of(3, 4).dtype(DType.FLOAT64).init(cpu(), new RandomSource(2));
        assertEquals(DType.FLOAT64, fc.weight().dtype());
        NnTesting.gradCheckLayer(fc, random64(5, 2, 3));
        NnTesting.gradCheckLayer(fc, random64(6, 2, 2, 3));
    }

    // ---- Conv2d ---------------------------------------------------------------------------------

    private static Tensor image3x3() {
        return f32(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    }

    @Test
    void conv2dIsACrossCorrelation() {
        Conv2d conv = Conv2d.of(1, 1, 2).bias(false).init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {1, 2, 3, 4});
        Tensor y = conv.forward(image3x3());
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertValues(new double[] {37, 47, 67, 77}, y, 1e-5);
    }

    @Test
    void conv2dSamePaddingWithAnEvenKernelPutsTheExtraPadBottomRight() {
        Conv2d.Config config = Conv2d.of(1, 1, 2).padding(Padding.SAME).bias(false);
        assertEquals(new ConvSpec(1, 1, 0, 1, 0, 1, 1, 1, 1), config.spec());
        Conv2d conv = config.init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {1, 1, 1, 1});
        Tensor y = conv.forward(image3x3());
        assertEquals(Shape.of(1, 1, 3, 3), y.shape());
        assertValues(new double[] {12, 16, 9, 24, 28, 15, 15, 17, 9}, y, 1e-5);
        // odd kernel with dilation 2: total padding 2 * (3 - 1) = 4, two on each side
        assertEquals(new ConvSpec(1, 1, 2, 2, 2, 2, 2, 2, 1), Conv2d.of(1, 1, 3).dilation(2).padding(Padding.SAME)
                .spec());
        assertEquals(ConvSpec.defaults(), Conv2d.of(1, 1, 3).padding(Padding.VALID).spec());
    }

    @Test
    void conv2dStrideTwoWithPaddingAndBias() {
        Conv2d conv = Conv2d.of(1, 1, 2).stride(2).padding(1).init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {1, 1, 1, 1});
        set(conv.bias(), new double[] {0.5});
        Tensor y = conv.forward(image3x3());
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertValues(new double[] {1.5, 5.5, 11.5, 28.5}, y, 1e-5);
    }

    @Test
    void conv2dAsymmetricPaddingAndUnbatchedInput() {
        Conv2d conv = Conv2d.of(1, 1, 1).padding(1, 0, 0, 2).bias(false).init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {2});
        Tensor y = conv.forward(f32(new float[] {1, 2, 3, 4}, 1, 2, 2));
        assertEquals(Shape.of(1, 3, 4), y.shape());
        assertValues(new double[] {0, 0, 0, 0, 2, 4, 0, 0, 6, 8, 0, 0}, y, 1e-6);
    }

    @Test
    void conv2dGroupsConvolveChannelGroupsSeparately() {
        Conv2d conv = Conv2d.of(2, 2, 1).groups(2).bias(false).init(cpu(), new RandomSource(1));
        assertEquals(Shape.of(2, 1, 1, 1), conv.weight().shape());
        set(conv.weight(), new double[] {2, 3});
        Tensor y = conv.forward(f32(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2));
        assertValues(new double[] {2, 4, 6, 8, 15, 18, 21, 24}, y, 1e-6);
    }

    @Test
    void conv2dDilationSpreadsTheKernel() {
        // 3x3 input, 2x2 kernel with dilation 2 touches the four corners
        Conv2d conv = Conv2d.of(1, 1, 2).dilation(2).bias(false).init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {1, 10, 100, 1000});
        assertValues(new double[] {1 + 30 + 700 + 9000}, conv.forward(image3x3()), 1e-3);
    }

    @Test
    void conv2dConfigRejectsBadGeometryWithClearMessages() {
        var groupsIn = assertThrows(IllegalArgumentException.class, () -> Conv2d.of(3, 8, 3).groups(2));
        assertTrue(groupsIn.getMessage().contains("in channels 3 must be divisible by groups 2"), groupsIn.getMessage());
        var groupsOut = assertThrows(IllegalArgumentException.class, () -> Conv2d.of(4, 6, 3).groups(4));
        assertTrue(groupsOut.getMessage().contains("out channels 6 must be divisible by groups 4"),
                groupsOut.getMessage());
        var same = assertThrows(IllegalArgumentException.class, () -> Conv2d.of(1, 1, 3).padding(Padding.SAME)
                .stride(2));
        assertTrue(same.getMessage().contains("SAME"), same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv2d.of(1, 1, 3).stride(2).padding(Padding.SAME));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.of(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.of(1, 1, 3).padding(-1));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.of(1, 1, 3).dtype(DType.INT32));
    }

    @Test
    void conv2dWrongInputChannelsNamesLayerExpectedAndActualShape() {
        Conv2d conv = Conv2d.of(3, 8, 3).init(cpu(), new RandomSource(1));
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(f32(new float[128], 2, 1, 8, 8)));
        assertTrue(e.getMessage().startsWith("Conv2d(3, 8, kernel_size=(3, 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("[N, 3, H, W]"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 1, 8, 8]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> conv.forward(f32(new float[8], 8)));
    }

    @Test
    void conv2dWithersAreImmutableCopiesAndPrintLikePyTorch() {
        Conv2d.Config base = Conv2d.of(1, 32, 5);
        Conv2d.Config padded = base.padding(2);
        assertEquals(0, base.padTop());
        assertEquals(2, padded.padTop());
        assertEquals(padded, Conv2d.of(1, 32, 5).padding(2));
        assertEquals("Conv2d(1, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))",
                padded.init(cpu(), new RandomSource(1)).toString());
        assertEquals("Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, "
                        + "bias=False)",
                Conv2d.of(4, 4, 3).padding(Padding.SAME).dilation(2).groups(2).bias(false)
                        .init(cpu(), new RandomSource(1)).toString());
    }

    @Test
    void conv2dCustomInitialisers() {
        Conv2d conv = Conv2d.of(2, 3, 3).weightInit(Init.constant(0.25)).biasInit(Init.zeros())
                .init(cpu(), new RandomSource(1));
        for (double v : conv.weight().toDoubleArray()) {
            assertEquals(0.25, v);
        }
        for (double v : conv.bias().toDoubleArray()) {
            assertEquals(0.0, v);
        }
        // the default bias bound uses the weight's fan-in: in / groups * kH * kW = 2 * 9
        Conv2d dflt = Conv2d.of(2, 64, 3).init(cpu(), new RandomSource(2));
        double bound = 1 / Math.sqrt(18);
        double max = 0;
        for (double v : dflt.bias().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.8 * bound);
    }

    @Test
    void conv2dGradients() {
        NnTesting.gradCheckLayer(Conv2d.of(2, 3, 2).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1)),
                random64(1, 2, 2, 4, 4));
        NnTesting.gradCheckLayer(Conv2d.of(4, 2, 3).stride(2).padding(1, 0, 2, 1).dilation(1, 2).groups(2)
                .dtype(DType.FLOAT64).init(cpu(), new RandomSource(2)), random64(2, 1, 4, 5, 6));
        NnTesting.gradCheckLayer(Conv2d.of(1, 2, 2).padding(Padding.SAME).bias(false).dtype(DType.FLOAT64)
                .init(cpu(), new RandomSource(3)), random64(3, 1, 3, 3));
    }

    // ---- Conv1d ---------------------------------------------------------------------------------

    @Test
    void conv1dSamePaddingWithAnEvenKernel() {
        Conv1d conv = Conv1d.of(1, 1, 2).padding(Padding.SAME).bias(false).init(cpu(), new RandomSource(1));
        set(conv.weight(), new double[] {1, -1});
        Tensor y = conv.forward(f32(new float[] {1, 2, 3, 4, 5}, 1, 1, 5));
        assertEquals(Shape.of(1, 1, 5), y.shape());
        assertValues(new double[] {-1, -1, -1, -1, 5}, y, 1e-6);
    }

    @Test
    void conv1dStridePaddingBiasAndUnbatched() {
        Conv1d conv = Conv1d.of(1, 2, 3).stride(2).padding(1).init(cpu(), new RandomSource(1));
        assertEquals(Shape.of(2, 1, 3), conv.weight().shape());
        set(conv.weight(), new double[] {1, 1, 1, 0, 1, 0});
        set(conv.bias(), new double[] {0, 100});
        // padded [0, 1, 2, 3, 4, 5, 0], windows at 0, 2, 4
        Tensor y = conv.forward(f32(new float[] {1, 2, 3, 4, 5}, 1, 5));
        assertEquals(Shape.of(2, 3), y.shape());
        assertValues(new double[] {3, 9, 9, 101, 103, 105}, y, 1e-5);
        var e = assertThrows(IllegalArgumentException.class, () -> conv.forward(f32(new float[10], 1, 2, 5)));
        assertTrue(e.getMessage().contains("[N, 1, L]") && e.getMessage().contains("[1, 2, 5]"), e.getMessage());
    }

    @Test
    void conv1dGradients() {
        NnTesting.gradCheckLayer(Conv1d.of(4, 2, 3).stride(2).padding(2, 1).dilation(2).groups(2)
                .dtype(DType.FLOAT64).init(cpu(), new RandomSource(4)), random64(4, 2, 4, 9));
    }

    @Test
    void differentSeedsGiveDifferentWeightsAndEqualSeedsEqualOnes() {
        Conv2d.Config c = Conv2d.of(3, 8, 3);
        double[] a = c.init(cpu(), 7).parameters().get("weight").toDoubleArray();
        double[] b = c.init(cpu(), 7).parameters().get("weight").toDoubleArray();
        double[] d = c.init(cpu(), 8).parameters().get("weight").toDoubleArray();
        assertTrue(java.util.Arrays.equals(a, b));
        assertFalse(java.util.Arrays.equals(a, d));
        assertEquals(f64(new double[] {1}, 1).dtype(), DType.FLOAT64);
    }
}

package dev.fovea.core.nn;

import static dev.fovea.core.nn.NnTesting.assertValues;
import static dev.fovea.core.nn.NnTesting.cpu;
import static dev.fovea.core.nn.NnTesting.distinct64;
import static dev.fovea.core.nn.NnTesting.f32;
import static dev.fovea.core.nn.NnTesting.random64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Layer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.tensor.RandomSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pooling, activation, Softmax and Flatten layers: values by hand and gradient checks. */
class PoolActivationTest {

    private static Layer make(LayerConfig<?> config) {
        return config.init(cpu(), new RandomSource(0));
    }

    private static Tensor ramp4x4() {
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i + 1;
        }
        return f32(v, 1, 1, 4, 4);
    }

    @Test
    void maxPool2dTakesTheMaximumOfEachWindow() {
        Tensor y = make(MaxPool2d.of(2)).forward(ramp4x4());
        assertEquals(Shape.of(1, 1, 2, 2), y.shape());
        assertValues(new double[] {6, 8, 14, 16}, y, 0);
        // overlapping 3x3 windows, stride 1, padding 1 (padding never wins a max)
        Tensor z = make(MaxPool2d.of(3).stride(1).padding(1)).forward(f32(new float[] {-1, -2, -3, -4}, 1, 2, 2));
        assertValues(new double[] {-1, -1, -1, -1}, z, 0);
        assertEquals(MaxPool2d.of(2).stride(2), MaxPool2d.of(2));
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0)", make(MaxPool2d.of(2)).toString());
    }

    @Test
    void avgPool2dAveragesAndCountsPaddingOnlyWhenAsked() {
        assertValues(new double[] {3.5, 5.5, 11.5, 13.5}, make(AvgPool2d.of(2)).forward(ramp4x4()), 1e-6);
        Tensor ones = f32(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertValues(new double[] {4 / 9.0, 4 / 9.0, 4 / 9.0, 4 / 9.0},
                make(AvgPool2d.of(3).stride(1).padding(1)).forward(ones), 1e-6);
        assertValues(new double[] {1, 1, 1, 1},
                make(AvgPool2d.of(3).stride(1).padding(1).countIncludePad(false)).forward(ones), 1e-6);
    }

    @Test
    void maxPool1dFloorsTheOutputLength() {
        Tensor y = make(MaxPool1d.of(2)).forward(f32(new float[] {1, 3, 2, 5, 4}, 1, 1, 5));
        assertEquals(Shape.of(1, 1, 2), y.shape());
        assertValues(new double[] {3, 5}, y, 0);
        assertValues(new double[] {3, 3, 5, 5, 5},
                make(MaxPool1d.of(3).stride(1).padding(1)).forward(f32(new float[] {1, 3, 2, 5, 4}, 1, 5)), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> make(MaxPool1d.of(2)).forward(f32(new float[4], 4)));
        assertTrue(e.getMessage().contains("MaxPool1d") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void globalPoolsReduceEachChannelMap() {
        Tensor x = f32(new float[] {1, 2, 3, 4, -1, -2, -3, 10}, 1, 2, 2, 2);
        Tensor avg = make(GlobalAvgPool2d.of()).forward(x);
        assertEquals(Shape.of(1, 2), avg.shape());
        assertValues(new double[] {2.5, 1}, avg, 1e-6);
        assertValues(new double[] {4, 10}, make(GlobalMaxPool2d.of()).forward(x), 0);
        assertEquals(Shape.of(2), make(GlobalAvgPool2d.of()).forward(f32(new float[8], 2, 2, 2)).shape());
    }

    @Test
    void activationsMatchTheirFormulas() {
        Tensor x = f32(new float[] {-2, 0.5f}, 2);
        assertValues(new double[] {0, 0.5}, make(ReLU.of()).forward(x), 0);
        assertValues(new double[] {-0.02, 0.5}, make(LeakyReLU.of()).forward(x), 1e-7);
        assertValues(new double[] {-0.4, 0.5}, make(LeakyReLU.of(0.2)).forward(x), 1e-7);
        assertValues(new double[] {0.8807970779778823}, make(Sigmoid.of()).forward(f32(new float[] {2}, 1)), 1e-6);
        assertValues(new double[] {0.46211715726000974}, make(Tanh.of()).forward(f32(new float[] {0.5f}, 1)), 1e-6);
        assertValues(new double[] {0.8413447460685429}, make(GELU.of()).forward(f32(new float[] {1}, 1)), 1e-6);
        assertValues(new double[] {0.09003057317038043, 0.24472847105479759, 0.6652409557748217},
                make(Softmax.of()).forward(f32(new float[] {1, 2, 3}, 3)), 1e-6);
        // axis 0 of a [2, 2]: columns sum to 1
        assertValues(new double[] {0.5, 0.5, 0.5, 0.5},
                make(Softmax.of(0)).forward(f32(new float[] {1, 7, 1, 7}, 2, 2)), 1e-6);
        assertEquals("ReLU()", make(ReLU.of()).toString());
        assertEquals("LeakyReLU(negative_slope=0.01)", make(LeakyReLU.of()).toString());
    }

    @Test
    void flattenKeepsTheAxesBeforeStartAxis() {
        assertEquals(Shape.of(2, 12), make(Flatten.of()).forward(f32(new float[24], 2, 3, 4)).shape());
        assertEquals(Shape.of(24), make(Flatten.of(0)).forward(f32(new float[24], 2, 3, 4)).shape());
        assertEquals(Shape.of(2, 3, 4), make(Flatten.of(-1)).forward(f32(new float[24], 2, 3, 4)).shape());
        assertValues(new double[] {1, 2, 3, 4}, make(Flatten.of()).forward(f32(new float[] {1, 2, 3, 4}, 1, 2, 2)), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> make(Flatten.of(3)).forward(f32(new float[6], 2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void parameterFreeLayersHaveNoParametersAndPassGradients() {
        List<LayerConfig<?>> smooth = List.of(Sigmoid.of(), Tanh.of(), GELU.of(), Softmax.of(1), Flatten.of(),
                AvgPool2d.of(2).stride(1).padding(1), GlobalAvgPool2d.of());
        for (LayerConfig<?> c : smooth) {
            Layer layer = make(c);
            assertTrue(layer.parameters().isEmpty(), c.type());
            GradCheck.assertGradients(in -> layer.forward(in.get(0)), List.of(random64(11, 2, 3, 3, 3)
                    .requiresGrad(true)));
        }
        // piecewise-linear ones at inputs well away from their kinks and ties
        List<LayerConfig<?>> kinked = List.of(ReLU.of(), LeakyReLU.of(0.1), MaxPool2d.of(2), MaxPool2d.of(3).stride(2)
                .padding(1), GlobalMaxPool2d.of());
        for (LayerConfig<?> c : kinked) {
            Layer layer = make(c);
            GradCheck.assertGradients(in -> layer.forward(in.get(0)), List.of(distinct64(12, 2, 2, 4, 4)
                    .requiresGrad(true)));
        }
        Layer pool1d = make(MaxPool1d.of(3).stride(2).padding(1));
        GradCheck.assertGradients(in -> pool1d.forward(in.get(0)), List.of(distinct64(13, 2, 2, 7).requiresGrad(true)));
    }
}

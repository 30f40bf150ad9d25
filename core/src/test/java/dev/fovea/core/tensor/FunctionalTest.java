package dev.fovea.core.tensor;

import static dev.fovea.core.tensor.TestData.assertValues;
import static dev.fovea.core.tensor.TestData.cpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.PoolSpec;
import org.junit.jupiter.api.Test;

/** Convolution and pooling forward values on small hand-worked examples, and their shape errors. */
class FunctionalTest {
    /** 1..9 as a [1, 1, 3, 3] image. */
    private static final Tensor IMAGE = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    private static final Tensor KERNEL = Tensors.of(cpu(), new float[] {1, 2, 3, 4}, 1, 1, 2, 2);

    @Test
    void conv2dIsACrossCorrelation() {
        // out[0,0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, and so on
        Tensor out = Functional.conv2d(IMAGE, KERNEL, null, ConvSpec.defaults());
        assertEquals(Shape.of(1, 1, 2, 2), out.shape());
        assertValues(new double[] {37, 47, 67, 77}, out, 0);
        Tensor bias = Tensors.of(cpu(), new float[] {0.5f}, 1);
        assertValues(new double[] {37.5, 47.5, 67.5, 77.5}, Functional.conv2d(IMAGE, KERNEL, bias, ConvSpec.defaults()),
                0);
    }

    @Test
    void conv2dWithStrideAndPadding() {
        // padding 1, stride 2: windows start at (-1,-1), (-1,1), (1,-1), (1,1)
        Tensor out = Functional.conv2d(IMAGE, KERNEL, null, ConvSpec.of(2, 1, 1, 1));
        assertEquals(Shape.of(1, 1, 2, 2), out.shape());
        assertValues(new double[] {1 * 4, 2 * 3 + 3 * 4, 4 * 2 + 7 * 4, 5 + 6 * 2 + 8 * 3 + 9 * 4}, out, 0);
    }

    @Test
    void conv2dWithDilationAndUnbatchedInput() {
        // dilation 2: the 2x2 kernel touches corners 1, 3, 7, 9
        Tensor out = Functional.conv2d(IMAGE.squeeze(0), KERNEL, null, ConvSpec.of(1, 0, 2, 1));
        assertEquals(Shape.of(1, 1, 1), out.shape());
        assertValues(new double[] {1 + 2 * 3 + 3 * 7 + 4 * 9}, out, 0);
    }

    @Test
    void conv2dGroupsKeepChannelsApart() {
        Tensor x = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        Tensor w = Tensors.of(cpu(), new float[] {2, 3}, 2, 1, 1, 1);
        Tensor out = Functional.conv2d(x, w, null, ConvSpec.of(1, 0, 1, 2));
        assertValues(new double[] {2, 4, 6, 8, 30, 60, 90, 120}, out, 0);
    }

    @Test
    void conv2dErrorsNameShapes() {
        Tensor x = Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, Shape.of(1, 3, 4, 4));
        Tensor w = Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, Shape.of(4, 2, 3, 3));
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, w, null, ConvSpec.of(1, 0, 1, 2)));
        assertTrue(groups.getMessage().contains("[1, 3, 4, 4]") && groups.getMessage().contains("groups"),
                groups.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, w, null, ConvSpec.defaults()));
        assertTrue(channels.getMessage().contains("[4, 2, 3, 3]") && channels.getMessage().contains("[1, 3, 4, 4]"),
                channels.getMessage());
        Tensor bias = Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, Shape.of(3));
        Tensor w3 = Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, Shape.of(4, 3, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> Functional.conv2d(x, w3, bias, ConvSpec.defaults()));
        assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, Shape.of(4, 3, 5, 5)),
                        null, ConvSpec.defaults()));
    }

    @Test
    void conv1dSlidesAlongTheSequence() {
        Tensor x = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5}, 1, 1, 5);
        Tensor w = Tensors.of(cpu(), new float[] {1, 0, -1}, 1, 1, 3);
        Tensor out = Functional.conv1d(x, w, null, 1, 0, 1, 1);
        assertEquals(Shape.of(1, 1, 3), out.shape());
        assertValues(new double[] {-2, -2, -2}, out, 0);
        Tensor strided = Functional.conv1d(x.squeeze(0), w, null, 2, 1, 1, 1); // [0,1,2,3,4,5,0] windows at 0, 2, 4
        assertEquals(Shape.of(1, 3), strided.shape());
        assertValues(new double[] {-2, -2, 4}, strided, 0);
    }

    @Test
    void pooling() {
        Tensor x = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
        assertValues(new double[] {6, 8, 14, 16}, Functional.maxPool2d(x, PoolSpec.of(2, 2)), 0);
        assertValues(new double[] {3.5, 5.5, 11.5, 13.5}, Functional.avgPool2d(x, PoolSpec.of(2, 2)), 0);
        assertValues(new double[] {11, 12, 15, 16}, Functional.maxPool2d(x, PoolSpec.of(3, 1)), 0);
        // padding 1, kernel 3, stride 3: top-left window covers 1, 2, 5, 6 and five padding cells
        Tensor include = Functional.avgPool2d(x, new PoolSpec(3, 3, 3, 3, 1, 1, true));
        Tensor exclude = Functional.avgPool2d(x, new PoolSpec(3, 3, 3, 3, 1, 1, false));
        assertEquals(Shape.of(1, 1, 2, 2), include.shape());
        assertEquals(14.0 / 9, include.toDoubleArray()[0], 1e-6);
        assertEquals(14.0 / 4, exclude.toDoubleArray()[0], 1e-6);
        Tensor seq = Tensors.of(cpu(), new float[] {1, 5, 2, 8, 3}, 1, 5);
        assertValues(new double[] {5, 8}, Functional.maxPool1d(seq, 2, 2), 0);
        assertValues(new double[] {5, 8}, Functional.maxPool1d(seq, 3, 2), 0);
        assertValues(new double[] {3, 5}, Functional.avgPool1d(seq, 2, 2), 0);
        assertValues(new double[] {0.5, 3.5, 5.5}, Functional.avgPool1d(seq, 2, 2, 1), 0);
    }
}

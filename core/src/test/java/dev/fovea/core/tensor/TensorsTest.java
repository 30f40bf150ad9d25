package dev.fovea.core.tensor;

import static dev.fovea.core.tensor.TestData.assertValues;
import static dev.fovea.core.tensor.TestData.cpu;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import org.junit.jupiter.api.Test;

/** Factories, random streams and the default device. */
class TensorsTest {

    @Test
    void fromArraysChecksTheShape() {
        Tensor x = Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(Shape.of(2, 3), x.shape());
        assertEquals(DType.FLOAT32, x.dtype());
        assertTrue(x.isLeaf());
        assertFalse(x.requiresGrad());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.of(cpu(), new float[] {1, 2, 3, 4, 5}, 2, 3));
        assertEquals("of: data length 5 does not match shape [2, 3] (6 elements)", e.getMessage());
        assertEquals(DType.FLOAT64, Tensors.of(cpu(), new double[] {1}, 1).dtype());
        assertEquals(DType.INT32, Tensors.ofInts(cpu(), new int[] {1, 2}, 2).dtype());
        assertEquals(Shape.scalar(), Tensors.of(cpu(), new float[] {7}).shape());
    }

    @Test
    void constants() {
        assertValues(new double[] {0, 0, 0}, Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(3)), 0);
        assertValues(new double[] {1, 1}, Tensors.ones(cpu(), DType.FLOAT64, Shape.of(2, 1)), 0);
        assertValues(new double[] {2.5, 2.5}, Tensors.full(cpu(), DType.FLOAT32, Shape.of(2), 2.5), 0);
        assertEquals(3.0, Tensors.scalar(cpu(), 3.0, DType.FLOAT64).item());
        Tensor like = Tensors.zerosLike(Tensors.of(cpu(), new double[] {1, 2, 3, 4}, 2, 2));
        assertEquals(Shape.of(2, 2), like.shape());
        assertEquals(DType.FLOAT64, like.dtype());
        assertValues(new double[] {1, 1, 1, 1}, Tensors.onesLike(like), 0);
        assertArrayEquals(new int[] {0, 1, 2, 3}, Tensors.arange(cpu(), DType.INT32, 4).toIntArray());
        assertValues(new double[] {0, 1, 2}, Tensors.arange(cpu(), DType.FLOAT32, 3), 0);
    }

    @Test
    void defaultDeviceOverloads() {
        Tensor x = Tensors.of(new float[] {1, 2}, 2);
        assertEquals(cpu(), x.device());
        assertEquals(Shape.of(2, 2), Tensors.zeros(DType.FLOAT32, Shape.of(2, 2)).shape());
    }

    @Test
    void randomStreamsAreReproducibleAndAdvance() {
        RandomSource a = new RandomSource(42);
        Tensor first = Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), a);
        assertEquals(20, a.counter());
        Tensor second = Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), a);
        assertEquals(40, a.counter());
        assertFalse(java.util.Arrays.equals(first.toFloatArray(), second.toFloatArray()),
                "the stream must advance between draws");

        RandomSource b = new RandomSource(42);
        assertArrayEquals(first.toFloatArray(), Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), b).toFloatArray());
        RandomSource.State saved = b.state();
        Tensor next = Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), b);
        assertArrayEquals(second.toFloatArray(), next.toFloatArray());
        b.restore(saved);
        assertArrayEquals(second.toFloatArray(), Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), b).toFloatArray());
        assertEquals(new RandomSource.State(42, 40), b.state());

        RandomSource c = new RandomSource(43);
        assertFalse(java.util.Arrays.equals(first.toFloatArray(),
                Tensors.randn(cpu(), DType.FLOAT32, Shape.of(4, 5), c).toFloatArray()));
    }

    @Test
    void distributionsHaveTheirRangesAndMoments() {
        RandomSource rng = new RandomSource(7);
        // 100k draws, bounds at 5 standard errors (the seed is fixed, so this is deterministic)
        double[] u = Tensors.uniform(cpu(), DType.FLOAT64, Shape.of(100_000), -2, 3, rng).toDoubleArray();
        double sum = 0;
        for (double v : u) {
            assertTrue(v >= -2 && v < 3, "uniform value out of range: " + v);
            sum += v;
        }
        assertEquals(0.5, sum / u.length, 0.023); // standard error: (5 / sqrt 12) / sqrt 1e5 = 0.0046
        double[] r = Tensors.rand(cpu(), DType.FLOAT32, Shape.of(1000), rng).toDoubleArray();
        for (double v : r) {
            assertTrue(v >= 0 && v < 1, "rand value out of range: " + v);
        }
        double[] n = Tensors.normal(cpu(), DType.FLOAT64, Shape.of(100_000), 1.0, 2.0, rng).toDoubleArray();
        double mean = 0;
        for (double v : n) {
            mean += v;
        }
        mean /= n.length;
        double var = 0;
        for (double v : n) {
            var += (v - mean) * (v - mean);
        }
        var /= n.length;
        assertEquals(1.0, mean, 0.032); // standard error: 2 / sqrt 1e5 = 0.0063
        assertEquals(2.0, Math.sqrt(var), 0.023); // standard error: 2 / sqrt 2e5 = 0.0045
        assertThrows(IllegalArgumentException.class, () -> Tensors.rand(cpu(), DType.INT32, Shape.of(2), rng));
    }
}

package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RandomSourceSplitTest {

    @Test
    void splitAdvancesTheParentByOneAndIsReproducible() {
        RandomSource a = new RandomSource(42);
        RandomSource b = new RandomSource(42);
        RandomSource childA = a.split();
        RandomSource childB = b.split();
        assertEquals(1, a.counter());
        assertEquals(childA.state(), childB.state());
        assertEquals(0, childA.counter());
        float[] x = Tensors.rand(TestData.cpu(), DType.FLOAT32, Shape.of(16), childA).toFloatArray();
        float[] y = Tensors.rand(TestData.cpu(), DType.FLOAT32, Shape.of(16), childB).toFloatArray();
        assertArrayEquals(x, y);
    }

    @Test
    void successiveSplitsAndOtherSeedsGiveDifferentStreams() {
        RandomSource a = new RandomSource(42);
        RandomSource first = a.split();
        RandomSource second = a.split();
        RandomSource other = new RandomSource(43).split();
        assertNotEquals(first.seed(), second.seed());
        assertNotEquals(first.seed(), other.seed());
        float[] x = Tensors.rand(TestData.cpu(), DType.FLOAT32, Shape.of(16), first).toFloatArray();
        float[] y = Tensors.rand(TestData.cpu(), DType.FLOAT32, Shape.of(16), second).toFloatArray();
        assertFalse(Arrays.equals(x, y));
    }
}

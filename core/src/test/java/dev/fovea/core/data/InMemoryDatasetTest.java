package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import org.junit.jupiter.api.Test;

class InMemoryDatasetTest {
    /** 5 examples of shape [2]: example i is {10i, 10i + 1}, label i % 3. */
    static InMemoryDataset five() {
        float[] x = new float[10];
        int[] y = new int[5];
        for (int i = 0; i < 5; i++) {
            x[2 * i] = 10 * i;
            x[2 * i + 1] = 10 * i + 1;
            y[i] = i % 3;
        }
        return InMemoryDataset.of(Shape.of(2), x, y, 3);
    }

    @Test
    void copiesBatchesByIndexIntoCallerBuffers() {
        InMemoryDataset d = five();
        float[] x = new float[8];
        int[] y = {-1, -1, -1, -1};
        d.copyBatch(new int[] {9, 4, 0, 2, 9}, 1, 3, x, y);
        assertArrayEquals(new float[] {40, 41, 0, 1, 20, 21, 0, 0}, x);
        assertArrayEquals(new int[] {1, 0, 2, -1}, y);
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> d.copyBatch(new int[] {0, 1, 2}, 0, 3, new float[5], null));
        assertTrue(small.getMessage().contains("need 6"), small.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> d.copyBatch(new int[] {5}, 0, 1, x, y));
    }

    @Test
    void factoryCopiesItsInputAndValidates() {
        float[] x = {1, 2, 3, 4};
        int[] y = {0, 1};
        InMemoryDataset d = InMemoryDataset.of(Shape.of(2), x, y, 2);
        x[0] = 99;
        y[0] = 1;
        float[] out = new float[2];
        d.copyExample(0, out, 0);
        assertArrayEquals(new float[] {1, 2}, out);
        assertEquals(0, d.label(0));
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> InMemoryDataset.of(Shape.of(3), new float[4], new int[2], 2));
        assertTrue(length.getMessage().contains("need 6 floats, but 4"), length.getMessage());
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> InMemoryDataset.of(Shape.of(1), new float[2], new int[] {0, 2}, 2));
        assertTrue(label.getMessage().contains("label 2 of example 1"), label.getMessage());
    }

    @Test
    void subsetsAreCopiesInTheGivenOrderAndViewsComposeCorrectly() {
        InMemoryDataset d = five();
        InMemoryDataset sub = d.subset(new int[] {3, 1, 3});
        assertEquals(3, sub.size());
        float[] out = new float[2];
        sub.copyExample(2, out, 0);
        assertArrayEquals(new float[] {30, 31}, out);
        assertEquals(1, sub.label(1));

        Dataset view = new SubsetDataset(d, new int[] {4, 2, 0});
        Dataset viewOfView = view.subset(new int[] {2, 0});
        viewOfView.copyExample(1, out, 0);
        assertArrayEquals(new float[] {40, 41}, out);
        assertEquals(0, viewOfView.label(0));
        assertThrows(IndexOutOfBoundsException.class, () -> view.subset(new int[] {3}));
        assertEquals(InMemoryDataset.copyOf(view).classCounts()[2], 1);
    }

    @Test
    void stratifiedSplitKeepsOrderAndProportions() {
        // 100 examples, labels 0 (x 80) and 1 (x 20); example i holds value i.
        float[] x = new float[100];
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            y[i] = i < 80 ? 0 : 1;
        }
        InMemoryDataset d = InMemoryDataset.of(Shape.of(1), x, y, 2);
        TrainTestSplit split = d.split(0.25, 3);
        assertEquals(25, split.test().size());
        int ones = 0;
        float previous = -1;
        float[] v = new float[1];
        for (int i = 0; i < split.test().size(); i++) {
            ones += split.test().label(i);
            split.test().copyExample(i, v, 0);
            assertTrue(v[0] > previous, "original order kept");
            previous = v[0];
        }
        assertEquals(5, ones, "a quarter of the 20 ones");
        assertEquals(75, split.train().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(1.5, 0));
    }
}

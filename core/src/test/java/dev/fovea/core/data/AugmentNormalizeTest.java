package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AugmentNormalizeTest {
    /** A generator that always returns the same draws, to steer augmentations. */
    private static RandomGenerator fixed(double uniform, int... ints) {
        return new RandomGenerator() {
            int k;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return uniform;
            }

            @Override
            public int nextInt(int bound) {
                return ints[k++];
            }
        };
    }

    @Test
    void horizontalFlipReversesEveryRowWhenDrawn() {
        // Two channels of 2 x 3, stored after a 1-float offset.
        float[] data = {-1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        Augment.horizontalFlip(0.5).apply(data, 1, Shape.of(2, 2, 3), fixed(0.49));
        assertArrayEquals(new float[] {-1, 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, data);
        Augment.horizontalFlip(0.5).apply(data, 1, Shape.of(2, 2, 3), fixed(0.5));
        assertArrayEquals(new float[] {-1, 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, data, "not drawn: unchanged");
    }

    @Test
    void shiftMovesContentAndFillsTheBorder() {
        // 3 x 3 image 1..9; dy = +1, dx = -1: out(y, x) = in(y + 1, x - 1).
        float[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Augment.shift(data, 0, Shape.of(1, 3, 3), 1, -1, 0f);
        assertArrayEquals(new float[] {0, 4, 5, 0, 7, 8, 0, 0, 0}, data);
        // dy = -1, dx = +2 (the descending in-place path), with a fill value.
        float[] d2 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Augment.shift(d2, 0, Shape.of(3, 3), -1, 2, -5f);
        assertArrayEquals(new float[] {-5, -5, -5, 3, -5, -5, 6, -5, -5}, d2);
        // randomShift(1) maps draws 2 and 0 to dy = +1, dx = -1.
        float[] d3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Augment.randomShift(1).apply(d3, 0, Shape.of(1, 3, 3), fixed(0, 2, 0));
        assertArrayEquals(new float[] {0, 4, 5, 0, 7, 8, 0, 0, 0}, d3);
        assertThrows(IllegalArgumentException.class,
                () -> Augment.randomShift(1).apply(new float[3], 0, Shape.of(3), fixed(0, 1, 1)));
    }

    @Test
    void shiftInPlaceAgreesWithAnOutOfPlaceReference() {
        SeededRandom r = SeededRandom.of(9);
        for (int trial = 0; trial < 200; trial++) {
            int h = 1 + r.nextInt(6);
            int w = 1 + r.nextInt(6);
            int dy = r.nextInt(-4, 5);
            int dx = r.nextInt(-4, 5);
            float[] in = new float[2 * h * w];
            for (int i = 0; i < in.length; i++) {
                in[i] = i + 1;
            }
            float[] expected = new float[in.length];
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int sy = y + dy;
                        int sx = x + dx;
                        expected[c * h * w + y * w + x] =
                                sy >= 0 && sy < h && sx >= 0 && sx < w ? in[c * h * w + sy * w + sx] : 0;
                    }
                }
            }
            Augment.shift(in, 0, Shape.of(2, h, w), dy, dx, 0f);
            assertArrayEquals(expected, in, "h=" + h + " w=" + w + " dy=" + dy + " dx=" + dx);
        }
    }

    @Test
    void normalizeFitsPerChannelStatisticsAndApplies() {
        // Two examples of shape [2, 2]: channel 0 holds 1,3 and 5,7 (mean 4, std sqrt(5));
        // channel 1 holds 10,10 and 10,14 (mean 11, std sqrt(3)).
        InMemoryDataset d = InMemoryDataset.of(Shape.of(2, 2),
                new float[] {1, 3, 10, 10, 5, 7, 10, 14}, new int[] {0, 1}, 2);
        Normalize n = Normalize.fit(d);
        assertArrayEquals(new double[] {4, 11}, n.mean().toArray(), 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(5), Math.sqrt(3)}, n.std().toArray(), 1e-12);
        InMemoryDataset normalized = n.apply(d);
        float[] x = new float[4];
        normalized.copyExample(1, x, 0);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(5)), (float) (3 / Math.sqrt(5)),
                (float) (-1 / Math.sqrt(3)), (float) (3 / Math.sqrt(3))}, x, 1e-6f);
        assertEquals(1, normalized.label(1));
        // The original is untouched, and refitting the result gives mean 0, std 1.
        d.copyExample(1, x, 0);
        assertArrayEquals(new float[] {5, 7, 10, 14}, x);
        Normalize again = Normalize.fit(normalized);
        assertArrayEquals(new double[] {0, 0}, again.mean().toArray(), 1e-6);
        assertArrayEquals(new double[] {1, 1}, again.std().toArray(), 1e-6);
    }

    @Test
    void normalizeRejectsConstantChannelsAndChannelMismatch() {
        InMemoryDataset constant = InMemoryDataset.of(Shape.of(1, 2), new float[] {3, 3, 3, 3}, new int[] {0, 0}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Normalize.fit(constant));
        assertTrue(e.getMessage().contains("std of channel 0"), e.getMessage());
        Normalize oneChannel = Normalize.of(new double[] {0.5}, new double[] {0.25});
        assertThrows(IllegalArgumentException.class,
                () -> oneChannel.apply(new float[8], 0, Shape.of(2, 2, 2), null));
        float[] x = {0.75f, 0.25f};
        oneChannel.apply(x, 0, Shape.of(2), null);
        assertArrayEquals(new float[] {1, -1}, x);
    }

    @Test
    void digitsStatisticsAreComputedNotAssumed() {
        Normalize n = Normalize.fit(Datasets.digits());
        // sklearn's digits: mean pixel 4.884 / 16, population std 6.017 / 16 over all 1,797 x 64 values.
        assertEquals(4.8842 / 16, n.mean().get(0), 1e-4);
        assertEquals(6.0168 / 16, n.std().get(0), 1e-4);
    }
}

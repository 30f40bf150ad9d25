package dev.fovea.api.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CounterRandomTest {

    // Known-answer vectors from Random123's kat_vectors (philox4x32 10 rounds).
    @Test
    void philoxMatchesRandom123KnownAnswersForZeros() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                CounterRandom.philox(new int[] {0, 0, 0, 0}, new int[] {0, 0}));
    }

    @Test
    void philoxMatchesRandom123KnownAnswersForAllOnes() {
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                CounterRandom.philox(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}));
    }

    @Test
    void philoxMatchesRandom123KnownAnswersForPiDigits() {
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                CounterRandom.philox(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                        new int[] {0xa4093822, 0x299f31d0}));
    }

    @Test
    void seedAndIndexMapOntoKeyAndCounterWords() {
        long seed = 0x299f31d0a4093822L;
        long index = 0x85a308d3243f6a88L;
        int[] viaLongs = new int[4];
        CounterRandom.philox(seed, index, viaLongs);
        assertArrayEquals(CounterRandom.philox(new int[] {0x243f6a88, 0x85a308d3, 0, 0},
                new int[] {0xa4093822, 0x299f31d0}), viaLongs);
    }

    @Test
    void uniformsAreBuiltFromTheDocumentedBits() {
        int[] w = new int[4];
        CounterRandom.philox(7L, 11L, w);
        assertEquals((w[0] >>> 8) / 16777216.0f, CounterRandom.uniformFloat(7L, 11L));
        double expected = ((long) (w[0] >>> 5) * (1L << 26) + (w[1] >>> 6)) / 9007199254740992.0;
        assertEquals(expected, CounterRandom.uniformDouble(7L, 11L));
        assertEquals(0.0, CounterRandom.uniformDoubleOfWords(0, 0));
        assertEquals(1.0 - 0x1.0p-53, CounterRandom.uniformDoubleOfWords(-1, -1));
        assertEquals(1.0f - 0x1.0p-24f, CounterRandom.uniformFloatOfWord(-1));
    }

    @Test
    void portableLogIsWithinTwoUlpsOfMathLog() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            double x;
            switch (i % 4) {
                case 0 -> x = rnd.nextDouble(); // (0, 1): the Box-Muller range
                case 1 -> x = 1.0 + (rnd.nextDouble() - 0.5) * 1e-6; // near 1, where log is small
                case 2 -> x = Math.exp(rnd.nextDouble(-700, 700));
                default -> x = Double.longBitsToDouble(rnd.nextLong(1, 0x7FEFFFFFFFFFFFFFL));
            }
            if (x <= 0) {
                continue;
            }
            double expected = Math.log(x);
            double actual = CounterRandom.log(x);
            assertTrue(Math.abs(actual - expected) <= 2 * Math.ulp(expected),
                    () -> "log(" + x + ") = " + actual + ", Math.log gives " + expected);
        }
    }

    @Test
    void portableLogHandlesEdgeValues() {
        assertEquals(0.0, CounterRandom.log(1.0));
        assertEquals(Double.NEGATIVE_INFINITY, CounterRandom.log(0.0));
        assertTrue(Double.isNaN(CounterRandom.log(-1.0)));
        assertTrue(Double.isNaN(CounterRandom.log(Double.NaN)));
        assertEquals(Double.POSITIVE_INFINITY, CounterRandom.log(Double.POSITIVE_INFINITY));
        assertEquals(Math.log(Double.MIN_VALUE), CounterRandom.log(Double.MIN_VALUE), 1e-12);
        assertEquals(Math.log(0x1.0p-53), CounterRandom.log(0x1.0p-53), 1e-15 * 37);
        assertEquals(-0.6931471805599453, CounterRandom.log(0.5));
        for (int k = -1074; k <= 1023; k++) {
            double x = Math.scalb(1.0, k);
            assertEquals(k * Math.log(2), CounterRandom.log(x), Math.abs(k) * 1e-15 + 1e-300, "log(2^" + k + ")");
        }
    }

    @Test
    void portableCosIsWithin1e15OfMathCos() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 200_000; i++) {
            double u = rnd.nextDouble();
            double expected = Math.cos(2 * Math.PI * u);
            double actual = CounterRandom.cos2pi(u);
            assertEquals(expected, actual, 1e-15, () -> "cos2pi(" + u + ")");
        }
        // Relative accuracy near the zeros, against sin of the exactly reduced argument.
        for (int i = 1; i < 1000; i++) {
            double d = i * 0x1.0p-30;
            assertEquals(-Math.sin(2 * Math.PI * d), CounterRandom.cos2pi(0.25 + d),
                    2 * Math.ulp(Math.sin(2 * Math.PI * d)), "near 1/4");
            assertEquals(Math.sin(2 * Math.PI * d), CounterRandom.cos2pi(0.75 + d),
                    2 * Math.ulp(Math.sin(2 * Math.PI * d)), "near 3/4");
        }
    }

    @Test
    void portableCosHitsExactValuesAtQuarters() {
        assertEquals(1.0, CounterRandom.cos2pi(0.0));
        assertEquals(0.0, Math.abs(CounterRandom.cos2pi(0.25)));
        assertEquals(-1.0, CounterRandom.cos2pi(0.5));
        assertEquals(0.0, Math.abs(CounterRandom.cos2pi(0.75)));
        assertEquals(0.5, CounterRandom.cos2pi(1.0 / 6), 2 * Math.ulp(0.5));
        assertEquals(Math.sqrt(0.5), CounterRandom.cos2pi(0.125), 2 * Math.ulp(Math.sqrt(0.5)));
        assertEquals(CounterRandom.cos2pi(0.3), CounterRandom.cos2pi(2.3), 1e-15);
    }

    @Test
    void uniformSamplesStayInTheirInterval() {
        RandomSpec unit = RandomSpec.uniform(0, 1);
        RandomSpec wide = RandomSpec.uniform(-3, 5);
        double sum = 0;
        int n = 100_000;
        for (long i = 0; i < n; i++) {
            float f = CounterRandom.sampleFloat(unit, 42, i);
            double d = CounterRandom.sampleDouble(unit, 42, i);
            assertTrue(f >= 0 && f < 1, "float " + f);
            assertTrue(d >= 0 && d < 1, "double " + d);
            double w = CounterRandom.sampleDouble(wide, 42, i);
            assertTrue(w >= -3 && w < 5, "wide " + w);
            sum += w;
        }
        // mean 1, std 8/sqrt(12) = 2.31; standard error 0.0073: allow 5 of them.
        assertEquals(1.0, sum / n, 5 * 2.31 / Math.sqrt(n));
    }

    @Test
    void normalSamplesHaveTheRequestedMeanAndStd() {
        RandomSpec spec = RandomSpec.normal(2.0, 3.0);
        int n = 100_000;
        double sum = 0;
        double sumSq = 0;
        int beyond3Sigma = 0;
        for (long i = 0; i < n; i++) {
            double x = CounterRandom.sampleDouble(spec, 123, 1000 + i);
            sum += x;
            sumSq += x * x;
            if (Math.abs(x - 2.0) > 9.0) {
                beyond3Sigma++;
            }
            assertEquals((float) x, CounterRandom.sampleFloat(spec, 123, 1000 + i));
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(2.0, mean, 5 * 3.0 / Math.sqrt(n)); // 5 standard errors
        assertEquals(3.0, std, 5 * 3.0 / Math.sqrt(2.0 * n));
        // P(|z| > 3) = 0.0027: expect 270 of 100k.
        assertTrue(beyond3Sigma > 170 && beyond3Sigma < 370, "tail count " + beyond3Sigma);
    }

    @Test
    void normalUsesTheDocumentedBoxMullerFormula() {
        int[] w = new int[4];
        CounterRandom.philox(99, 5, w);
        double u1 = CounterRandom.uniformDoubleOfWords(w[0], w[1]);
        double u2 = CounterRandom.uniformDoubleOfWords(w[2], w[3]);
        double z = Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
        assertEquals(z, CounterRandom.normalDouble(99, 5), 1e-14);
        assertEquals(0.5 + 2 * CounterRandom.normalDouble(99, 5),
                CounterRandom.sampleDouble(RandomSpec.normal(0.5, 2), 99, 5));
    }

    @Test
    void differentSeedsAndIndicesGiveDifferentStreams() {
        double first = CounterRandom.uniformDouble(1L, 0L);
        assertNotEquals(first, CounterRandom.uniformDouble(2L, 0L));
        assertNotEquals(first, CounterRandom.uniformDouble(1L, 1L));
        assertNotEquals(first, CounterRandom.uniformDouble(1L, 1L << 32));
        assertNotEquals(first, CounterRandom.uniformDouble(1L << 32, 0L));
        assertNotEquals(first, CounterRandom.uniformDouble(1L << 32 | 1L, 0L));
    }

    /**
     * Exact bits for seed 42, pinned so that an accidental change of the algorithm fails here, and
     * so that ports (OpenCL C) have vectors to check against.
     */
    @Test
    void portingVectorsForSeed42() {
        long[] index = {0, 1, 0xFFFFFFFFL, -1L};
        int[] uniform32 = {0x3f1ceaf0, 0x3f7cdb21, 0x3edc4824, 0x3f0f40bd};
        long[] uniform64 = {0x3fe39d5e09dfd524L, 0x3fef9b64254ee9b3L, 0x3fdb8904b20ea764L, 0x3fe1e817ac5d90e0L};
        long[] normal64 = {0x3ff3c0aeecaa53d3L, 0xc007a3f30519ae3cL, 0x3fe18bf51a68015aL, 0xbff2de56da5c79d9L};
        int[] normal32 = {0x3f9e0577, 0xc03d1f98, 0x3f0c5fa9, 0xbf96f2b7};
        RandomSpec standard = RandomSpec.normal(0, 1);
        for (int i = 0; i < index.length; i++) {
            long at = index[i];
            assertEquals(uniform32[i], Float.floatToRawIntBits(CounterRandom.uniformFloat(42L, at)), "uniform32 " + at);
            assertEquals(uniform64[i], Double.doubleToRawLongBits(CounterRandom.uniformDouble(42L, at)), "uniform64 " + at);
            assertEquals(normal64[i], Double.doubleToRawLongBits(CounterRandom.normalDouble(42L, at)), "normal64 " + at);
            assertEquals(normal32[i], Float.floatToRawIntBits(CounterRandom.sampleFloat(standard, 42L, at)), "normal32 " + at);
        }
        assertEquals(0xbff34378fcbda721L, Double.doubleToRawLongBits(CounterRandom.log(0.3)));
        assertEquals(0xbfd3c6ef372fe94eL, Double.doubleToRawLongBits(CounterRandom.cos2pi(0.3)));
    }
}

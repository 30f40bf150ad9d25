package dev.fovea.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShuffleTest {
    @Test
    void permutationIsAPureFunctionOfSeedAndEpoch() {
        assertArrayEquals(Shuffle.permutation(1000, 42, 3), Shuffle.permutation(1000, 42, 3));
        assertFalse(Arrays.equals(Shuffle.permutation(1000, 42, 3), Shuffle.permutation(1000, 42, 4)));
        assertFalse(Arrays.equals(Shuffle.permutation(1000, 42, 3), Shuffle.permutation(1000, 43, 3)));
        int[] p = Shuffle.permutation(1000, 42, 3);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        assertArrayEquals(Shuffle.identity(1000), sorted, "every index exactly once");
        assertFalse(Arrays.equals(Shuffle.identity(1000), p));
        assertEquals(0, Shuffle.permutation(0, 1, 0).length);
        assertArrayEquals(new int[] {0}, Shuffle.permutation(1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Shuffle.permutation(3, 1, -1));
    }

    /** Pins the documented algorithm: a change here silently breaks exact resume of old runs. */
    @Test
    void permutationMatchesTheDocumentedAlgorithm() {
        // Recompute by hand from the class comments of Shuffle and SeededRandom.
        long gamma = 0x9E3779B97F4A7C15L;
        long gamma2 = 0xC2B2AE3D27D4EB4FL;
        long h = 0;
        for (long k : new long[] {Shuffle.STREAM, 42, 3}) {
            h = SeededRandom.mix(h + gamma + k * gamma2);
        }
        int[] expected = Shuffle.identity(10);
        long state = h;
        for (int i = 9; i > 0; i--) {
            long r;
            long m;
            do { // Lemire, with the rejection threshold (2^32 - bound) % bound
                state += gamma;
                r = SeededRandom.mix(state) >>> 32;
                m = r * (i + 1);
            } while ((m & 0xFFFFFFFFL) < (0x1_0000_0000L - (i + 1)) % (i + 1));
            int j = (int) (m >>> 32);
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        assertArrayEquals(expected, Shuffle.permutation(10, 42, 3));
    }

    @Test
    void unkeyedStreamIsSplitMix64SeededWithZero() {
        // SplitMix64 with seed 0 (state += gamma, then mix) starts 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        assertEquals(0L, SeededRandom.key());
        SeededRandom r = SeededRandom.of();
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
    }

    @Test
    void boundedIntegersAreUniform() {
        SeededRandom r = SeededRandom.of(1, 2, 3);
        int[] counts = new int[7];
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            counts[r.nextInt(7)]++;
        }
        double chi2 = 0;
        for (int c : counts) {
            chi2 += Math.pow(c - n / 7.0, 2) / (n / 7.0);
        }
        assertTrue(chi2 < 22.5, "chi-square " + chi2 + " for " + Arrays.toString(counts)); // p = 0.001, 6 dof
        for (int i = 0; i < 1000; i++) {
            int v = r.nextInt(-3, 4);
            assertTrue(v >= -3 && v < 4);
            double d = r.nextDouble();
            assertTrue(d >= 0 && d < 1);
        }
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
    }
}

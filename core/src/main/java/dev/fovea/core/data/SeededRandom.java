package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import java.util.random.RandomGenerator;

/**
 * A small, fully specified pseudo-random stream for data pipelines: SplitMix64 (Steele, Lea and
 * Flood, 2014) started from a key derived from any number of {@code long}s. The same keys give the
 * same numbers on every JVM and every run, which is what makes shuffles and augmentations
 * reproducible and a run resumable at any batch.
 *
 * <p>Definition: {@code mix(z)} is the SplitMix64 finaliser (Stafford's variant 13). The key of
 * {@code (k0, k1, ...)} is {@code h = 0; for each k: h = mix(h + GAMMA + k * GAMMA2)}; the stream's
 * {@code i}-th {@code long} (from 1) is {@code mix(h + i * GAMMA)}, with {@code GAMMA =
 * 0x9E3779B97F4A7C15} and {@code GAMMA2 = 0xC2B2AE3D27D4EB4F}. Bounded integers use Lemire's
 * unbiased multiply-and-reject method; doubles take the top 53 bits.
 *
 * <p>Not thread-safe: give each thread (each example) its own stream, which is cheap.
 */
public final class SeededRandom implements RandomGenerator {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final long GAMMA2 = 0xC2B2AE3D27D4EB4FL;

    private long state;

    private SeededRandom(long state) {
        this.state = state;
    }

    /** The stream keyed by {@code keys} (order matters; no keys is a valid, fixed stream). */
    public static SeededRandom of(long... keys) {
        return new SeededRandom(key(keys));
    }

    /** The start value of the stream keyed by {@code keys}; see the class comment. */
    static long key(long... keys) {
        long h = 0;
        for (long k : keys) {
            h = mix(h + GAMMA + k * GAMMA2);
        }
        return h;
    }

    /** The SplitMix64 finaliser: a bijection on {@code long} that scrambles every bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public long nextLong() {
        state += GAMMA;
        return mix(state);
    }

    @Override
    public int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** A uniform integer in {@code [0, bound)}, without modulo bias. */
    @Override
    public int nextInt(int bound) {
        Preconditions.checkArgument(bound > 0, "bound must be positive, got %s", bound);
        // Lemire (2019): multiply a 32-bit draw by bound, reject the few draws that would bias.
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** A uniform integer in {@code [origin, bound)}. */
    @Override
    public int nextInt(int origin, int bound) {
        Preconditions.checkArgument(origin < bound, "origin %s must be below bound %s", origin, bound);
        long span = (long) bound - origin;
        if (span <= Integer.MAX_VALUE) {
            return origin + nextInt((int) span);
        }
        int r;
        do {
            r = nextInt();
        } while (r < origin || r >= bound);
        return r;
    }

    /** A uniform double in {@code [0, 1)} from the top 53 bits of one draw. */
    @Override
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniform float in {@code [0, 1)} from the top 24 bits of one draw. */
    @Override
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** True or false with equal probability (the top bit of one draw). */
    @Override
    public boolean nextBoolean() {
        return nextLong() < 0;
    }
}

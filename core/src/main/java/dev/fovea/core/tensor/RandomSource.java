package dev.fovea.core.tensor;

/**
 * A seeded, counter-based stream of random numbers. Each draw of {@code n} numbers asks the backend
 * for the counter-based values {@code (seed, counter) .. (seed, counter + n - 1)} and then advances
 * the counter by {@code n}; because the values depend only on seed and counter, the same seed gives
 * the same tensors on every backend and device, and the stream can be saved and resumed exactly.
 *
 * <pre>{@code
 * RandomSource rng = new RandomSource(42);
 * Tensor w = Tensors.randn(device, DType.FLOAT32, Shape.of(64, 1, 5, 5), rng);
 * RandomSource.State saved = rng.state();      // e.g. written into a checkpoint
 * rng.restore(saved);                          // the next draws repeat
 * }</pre>
 *
 * <p>Thread-safe: concurrent draws get disjoint counter ranges.
 */
public final class RandomSource {
    /** Everything needed to resume a stream: its seed and the counter of the next number. */
    public record State(long seed, long counter) {
        public State {
            if (counter < 0) {
                throw new IllegalArgumentException("random counter must be >= 0, got " + counter);
            }
        }
    }

    private long seed;
    private long counter;

    /** A stream starting at counter 0. */
    public RandomSource(long seed) {
        this(seed, 0);
    }

    /** A stream resuming at {@code counter}. */
    public RandomSource(long seed, long counter) {
        restore(new State(seed, counter));
    }

    /** A stream resuming from a saved state. */
    public static RandomSource of(State state) {
        return new RandomSource(state.seed(), state.counter());
    }

    public synchronized long seed() {
        return seed;
    }

    /** Counter of the next number to be drawn (how many were drawn since counter 0). */
    public synchronized long counter() {
        return counter;
    }

    /** The current seed and counter. */
    public synchronized State state() {
        return new State(seed, counter);
    }

    /** Continues from {@code state}: the next draws repeat those made after it was taken. */
    public synchronized void restore(State state) {
        this.seed = state.seed();
        this.counter = state.counter();
    }

    /** Reserves {@code n} numbers and returns the counter of the first. */
    synchronized long advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot draw " + n + " random numbers");
        }
        long first = counter;
        counter = Math.addExact(counter, n);
        return first;
    }

    /**
     * A new, independent stream for a component that draws on its own (a dropout layer's masks):
     * its seed is derived from this stream's seed and counter, and this stream advances by one
     * number. Splitting streams in the same state gives equal children, so a model initialised from
     * the same seed draws the same masks; different parent counters give unrelated seeds.
     */
    public synchronized RandomSource split() {
        long first = advance(1);
        return new RandomSource(mix(mix(seed) ^ first));
    }

    /** SplitMix64's finaliser: a bijection of 64-bit values that scatters nearby inputs. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public synchronized String toString() {
        return "RandomSource(seed " + seed + ", counter " + counter + ")";
    }
}

package dev.fovea.core.data;

import com.google.common.base.Preconditions;

/**
 * The order in which a {@link DataLoader} visits a dataset: a pure function of (dataset size,
 * seed, epoch), so that the same seed replays the same order and a run can resume mid-epoch.
 *
 * <p>{@link #permutation} is a Fisher–Yates shuffle of {@code 0..n-1}: for {@code i} from
 * {@code n-1} down to 1, swap position {@code i} with {@code rng.nextInt(i + 1)}, where {@code rng}
 * is {@code SeededRandom.of(STREAM, seed, epoch)}. Each epoch therefore has its own order, and
 * every index appears exactly once per epoch.
 */
public final class Shuffle {
    /** Separates shuffle streams from other streams keyed by the same seed (e.g. augmentation). */
    static final long STREAM = 0x5348_5546_464C_4531L; // "SHUFFLE1"

    private Shuffle() {}

    /** {@code 0, 1, ..., n-1}: the order of an unshuffled loader. */
    public static int[] identity(int n) {
        Preconditions.checkArgument(n >= 0, "n must not be negative, got %s", n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * The permutation of {@code 0..n-1} for {@code (seed, epoch)}; see the class comment for the
     * exact algorithm. A fresh array on each call.
     */
    public static int[] permutation(int n, long seed, long epoch) {
        Preconditions.checkArgument(epoch >= 0, "epoch must not be negative, got %s", epoch);
        int[] order = identity(n);
        SeededRandom rng = SeededRandom.of(STREAM, seed, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}

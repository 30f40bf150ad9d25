package dev.fovea.core.nn;

/**
 * How a convolution's zero padding is chosen.
 *
 * <ul>
 *   <li>{@link #EXPLICIT}: the numbers given to {@code padding(...)} (0 by default);</li>
 *   <li>{@link #VALID}: no padding - the kernel stays inside the input;</li>
 *   <li>{@link #SAME}: the output has the input's size (stride 1 only, as in PyTorch): a total of
 *       {@code dilation * (kernel - 1)} per axis, half before and the rest - one more for even
 *       kernels - after (bottom/right).</li>
 * </ul>
 */
public enum Padding {
    EXPLICIT,
    VALID,
    SAME;

    /** The padding before and after the input along one axis. */
    static int[] resolve(Padding mode, int before, int after, int kernel, int dilation) {
        if (mode == SAME) {
            int total = dilation * (kernel - 1);
            return new int[] {total / 2, total - total / 2};
        }
        if (mode == VALID) {
            return new int[] {0, 0};
        }
        return new int[] {before, after};
    }
}

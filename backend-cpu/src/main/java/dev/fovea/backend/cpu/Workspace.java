package dev.fovea.backend.cpu;

/**
 * Per-thread scratch arrays that kernels reuse from call to call (packed GEMM panels, im2col
 * chunks), so a training step does not allocate and page in fresh scratch memory. Each array is
 * identified by a slot; a kernel never holds two uses of one slot at once. Contents are whatever
 * the last user left: callers write every element they read.
 *
 * <p>The arrays grow to the largest size asked for and live as long as their thread (the backend's
 * pool threads live as long as the JVM).
 */
final class Workspace {
    /** Packed panel of B in the GEMM, shared by the tasks of one call. */
    static final int GEMM_B = 0;
    /** Packed block of A in the GEMM, private to a task. */
    static final int GEMM_A = 1;
    /** One MR x NR tile for the edges of C. */
    static final int EDGE = 2;
    /** Packed operand prepared once per kernel call by the calling thread (weights of a convolution). */
    static final int SHARED = 3;
    /** Per-task packed or im2col data of a convolution. */
    static final int TASK_B = 4;
    /** Per-task output chunk of a convolution (backward-data columns). */
    static final int TASK_C = 5;
    /** Per-task packed A of a convolution (backward-weights gradient rows). */
    static final int TASK_A = 6;
    /** Per-task zero-padded copy of one image (implicit im2col). */
    static final int TASK_X = 7;
    /** One micro-kernel tile of an accumulating call (summed into C after the kernel). */
    static final int TILE = 8;
    private static final int SLOTS = 9;

    private static final ThreadLocal<Workspace> LOCAL = ThreadLocal.withInitial(Workspace::new);

    private final float[][] floats = new float[SLOTS][];
    private final double[][] doubles = new double[SLOTS][];

    private Workspace() {}

    /** This thread's float array of slot {@code slot} with at least {@code size} elements. */
    static float[] floats(int slot, int size) {
        Workspace w = LOCAL.get();
        float[] f = w.floats[slot];
        if (f == null || f.length < size) {
            f = new float[grow(f == null ? 0 : f.length, size)];
            w.floats[slot] = f;
        }
        return f;
    }

    /** This thread's double array of slot {@code slot} with at least {@code size} elements. */
    static double[] doubles(int slot, int size) {
        Workspace w = LOCAL.get();
        double[] d = w.doubles[slot];
        if (d == null || d.length < size) {
            d = new double[grow(d == null ? 0 : d.length, size)];
            w.doubles[slot] = d;
        }
        return d;
    }

    private static int grow(int old, int size) {
        long bigger = Math.max((long) size, old + (old >> 1));
        return (int) Math.min(bigger, Integer.MAX_VALUE - 8);
    }
}

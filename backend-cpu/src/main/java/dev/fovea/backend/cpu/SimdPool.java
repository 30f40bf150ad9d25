package dev.fovea.backend.cpu;

/**
 * SIMD max pooling of FLOAT32 planes with the 2x2, stride-2, unpadded window
 * ({@link FloatKernels#isPlain2x2}), contiguous NCHW: exactly the results of {@link FloatKernels}'
 * scalar loops. Implemented with the Vector API by {@code PoolVectorKernel}, loaded through
 * {@link VectorKernels}.
 */
abstract class SimdPool {
    /** Forward of planes {@code [plane0, plane1)} of {@code h x w} into {@code oh x ow}. */
    abstract void max2x2(float[] x, int xo, float[] out, int oo, int h, int w, int oh, int ow, int plane0,
            int plane1);

    /** Gradient of planes {@code [plane0, plane1)}: writes every element of their {@code gx}. */
    abstract void max2x2Backward(float[] x, int xo, float[] gout, int go, float[] gx, int gxo, int h, int w, int oh,
            int ow, int plane0, int plane1);

    /** Forward over all planes; tasks own disjoint planes, as in {@link FloatKernels#pool2dAll}. */
    final void max2x2All(float[] x, int xo, float[] out, int oo, int planes, int h, int w, int oh, int ow,
            Parallel par) {
        int tasks = Math.min(planes, 4 * par.threads());
        par.run(tasks, t -> max2x2(x, xo, out, oo, h, w, oh, ow, Parallel.start(planes, tasks, t),
                Parallel.start(planes, tasks, t + 1)));
    }

    /** Gradient over all planes; tasks own disjoint planes, as in {@link FloatKernels#pool2dBackwardAll}. */
    final void max2x2BackwardAll(float[] x, int xo, float[] gout, int go, float[] gx, int gxo, int planes, int h,
            int w, int oh, int ow, Parallel par) {
        int tasks = Math.min(planes, 4 * par.threads());
        par.run(tasks, t -> max2x2Backward(x, xo, gout, go, gx, gxo, h, w, oh, ow, Parallel.start(planes, tasks, t),
                Parallel.start(planes, tasks, t + 1)));
    }
}

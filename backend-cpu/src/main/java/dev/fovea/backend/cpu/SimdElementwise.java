package dev.fovea.backend.cpu;

import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.UnaryOp;

/**
 * SIMD row kernels for the common FLOAT32 elementwise ops on contiguous rows (inputs may also be
 * broadcast scalars: stride 0). They give exactly the results of {@link Elementwise}'s loops (IEEE
 * arithmetic, the same NaN rules); a method returns {@code false} for an op or layout it does not
 * handle, and the caller uses {@link Elementwise}. Implemented with the Vector API by
 * {@code ElementwiseVectorKernel}, loaded through {@link VectorKernels}.
 */
abstract class SimdElementwise {
    /** {@code y[yi + i] = op(x[xi + i])} for {@code i < n}; false when {@code op} is not handled. */
    abstract boolean unary(UnaryOp op, float[] x, int xi, float[] y, int yi, int n);

    /**
     * {@code y[yi + i] = op(a[ai + i * as], b[bi + i * bs])} for {@code i < n} with {@code as, bs} in
     * {0, 1}; false when {@code op} or the strides are not handled.
     */
    abstract boolean binary(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n);
}

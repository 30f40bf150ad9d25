package dev.fovea.backend.cpu;

import dev.fovea.api.backend.PoolSpec;
import java.util.Arrays;

/**
 * Dense kernels on double arrays, row-major: the batched matrix product (through {@link DoubleGemm})
 * and pooling. Convolution is in {@link DoubleConv}.
 *
 * <p>Edit only the 64-bit file of each pair (its name starts with D): the 32-bit twin is generated
 * from it by {@code backend-cpu/generate-float-kernels.sh}, and {@code GeneratedSourcesTest} fails when
 * they drift apart.
 */
final class DoubleKernels {
    private DoubleKernels() {}

    // ---- matrix product -------------------------------------------------------------------------

    /** Below this many multiply-adds per matrix, a batched product gives whole matrices to tasks. */
    static final long SMALL_MATRIX = 1L << 21;

    /**
     * Batched product {@code C[b] = A[b] . B[b]} with {@code A: [batch, m, kk]}, {@code B: [batch, kk, n]},
     * {@code C: [batch, m, n]} given by offsets and strides (batch, row, column); any transposes and
     * broadcast (stride-0) batches. Small matrices are spread over the pool a matrix per task, large
     * ones are each split over the pool by {@link DoubleGemm}; both give the same bits. When the rows
     * of C are not contiguous the product is computed in a scratch block and copied out.
     */
    static void matmul(DoubleMicroKernel kern, Parallel par, int batch, int m, int n, int kk, double[] a, int ao,
            int sab, int sam, int sak, double[] b, int bo, int sbb, int sbk, int sbn, double[] c, int co, int scb,
            int scm, int scn) {
        long work = (long) m * n * Math.max(kk, 1);
        if (batch > 1 && par.threads() > 1 && work < SMALL_MATRIX) {
            par.run(batch, bi -> matmulOne(kern, Parallel.SERIAL, m, n, kk, a, ao + bi * sab, sam, sak, b,
                    bo + bi * sbb, sbk, sbn, c, co + bi * scb, scm, scn));
        } else {
            for (int bi = 0; bi < batch; bi++) {
                matmulOne(kern, par, m, n, kk, a, ao + bi * sab, sam, sak, b, bo + bi * sbb, sbk, sbn, c,
                        co + bi * scb, scm, scn);
            }
        }
    }

    private static void matmulOne(DoubleMicroKernel kern, Parallel par, int m, int n, int kk, double[] a, int ao,
            int sam, int sak, double[] b, int bo, int sbk, int sbn, double[] c, int co, int scm, int scn) {
        if (scn == 1 || n == 1) {
            DoubleGemm.gemm(kern, par, m, n, kk, a, ao, sam, sak, b, bo, sbk, sbn, c, co, scm, false);
            return;
        }
        double[] block = new double[m * n];
        DoubleGemm.gemm(kern, par, m, n, kk, a, ao, sam, sak, b, bo, sbk, sbn, block, 0, n, false);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[co + i * scm + j * scn] = block[i * n + j];
            }
        }
    }

    // ---- pooling --------------------------------------------------------------------------------

    /**
     * Index (in the plane) of the first maximum of the window at {@code (oy, ox)}; NaN counts as the
     * maximum.
     */
    static int windowArgmax(PoolSpec s, double[] x, int plane, int h, int w, int oy, int ox) {
        int y0 = Math.max(oy * s.strideH() - s.padH(), 0);
        int y1 = Math.min(oy * s.strideH() - s.padH() + s.kernelH(), h);
        int x0 = Math.max(ox * s.strideW() - s.padW(), 0);
        int x1 = Math.min(ox * s.strideW() - s.padW() + s.kernelW(), w);
        int best = y0 * w + x0;
        double bv = x[plane + best];
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                double v = x[plane + iy * w + ix];
                if (bv == bv && (v > bv || v != v)) {
                    bv = v;
                    best = iy * w + ix;
                }
            }
        }
        return best;
    }

    /** Whether {@code s} is the common 2x2 window with stride 2 and no padding. */
    static boolean isPlain2x2(PoolSpec s) {
        return s.kernelH() == 2 && s.kernelW() == 2 && s.strideH() == 2 && s.strideW() == 2 && s.padH() == 0
                && s.padW() == 0;
    }

    /**
     * Index (0..3: top-left, top-right, bottom-left, bottom-right) of the first maximum of a 2x2 window
     * holding a NaN: the rule of {@link #windowArgmax} (NaN counts as the maximum).
     */
    private static int argmax4Nan(double v0, double v1, double v2, double v3) {
        int best = 0;
        double bv = v0;
        if (bv == bv && (v1 > bv || v1 != v1)) {
            bv = v1;
            best = 1;
        }
        if (bv == bv && (v2 > bv || v2 != v2)) {
            bv = v2;
            best = 2;
        }
        if (bv == bv && (v3 > bv || v3 != v3)) {
            best = 3;
        }
        return best;
    }

    /**
     * Forward of the 2x2 windows {@code [ox0, ox1)} of one output row: input rows at {@code r} and
     * {@code r + w}, outputs at {@code o}. The FLOAT32 Vector API kernel runs the rows too narrow
     * for its vectors with it.
     */
    static void max2x2Row(double[] x, int r, int w, double[] out, int o, int ox0, int ox1) {
        for (int ox = ox0, i = r + 2 * ox0; ox < ox1; ox++, i += 2) {
            // Math.max: branch-free, NaN wins; of +0 and -0 it returns +0 (the first-maximum
            // rule could return -0: the same value)
            out[o + ox] = Math.max(Math.max(x[i], x[i + 1]), Math.max(x[i + w], x[i + w + 1]));
        }
    }

    /**
     * Gradient of the 2x2 windows {@code [ox0, ox1)} of one output row: input rows at {@code r} and
     * {@code r + w} of {@code x}, at {@code gr} and {@code gr + w} of {@code gx}; every element of
     * those windows is written. The FLOAT32 Vector API kernel runs narrow rows and steps holding a
     * NaN with it.
     */
    static void max2x2BackwardRow(double[] x, int r, int w, double[] gout, int o, double[] gx, int gr, int ox0,
            int ox1) {
        for (int ox = ox0; ox < ox1; ox++) {
            int i = r + 2 * ox;
            int j = gr + 2 * ox;
            double v0 = x[i];
            double v1 = x[i + 1];
            double v2 = x[i + w];
            double v3 = x[i + w + 1];
            double g = gout[o + ox];
            double m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
            long e0;
            long e1;
            long e2;
            if (m == m) {
                // the first element equal to the maximum takes the gradient; masks, not
                // branches (which element wins is unpredictable in real activations)
                e0 = v0 == m ? -1L : 0L;
                e1 = (v1 == m ? -1L : 0L) & ~e0;
                e2 = (v2 == m ? -1L : 0L) & ~(e0 | e1);
            } else {
                int best = argmax4Nan(v0, v1, v2, v3);
                e0 = best == 0 ? -1L : 0L;
                e1 = best == 1 ? -1L : 0L;
                e2 = best == 2 ? -1L : 0L;
            }
            long e3 = ~(e0 | e1 | e2);
            gx[j] = Bits.masked(g, e0);
            gx[j + 1] = Bits.masked(g, e1);
            gx[j + w] = Bits.masked(g, e2);
            gx[j + w + 1] = Bits.masked(g, e3);
        }
    }

    /**
     * Zeros the gradient no 2x2 window reaches in the {@code h x w} plane at {@code gp}: the last
     * column of an odd width, the last row of an odd height.
     */
    static void max2x2ZeroEdges(double[] gx, int gp, int h, int w) {
        if ((w & 1) != 0) {
            for (int y = 0, end = h & ~1; y < end; y++) {
                gx[gp + y * w + w - 1] = 0;
            }
        }
        if ((h & 1) != 0) {
            Arrays.fill(gx, gp + (h - 1) * w, gp + h * w, 0);
        }
    }

    /** Forward pooling of planes {@code [plane0, plane1)} of {@code h x w} into {@code oh x ow}. */
    static void pool2d(boolean max, PoolSpec s, double[] x, int xo, double[] out, int oo, int h, int w, int oh,
            int ow, int plane0, int plane1) {
        if (max && isPlain2x2(s)) {
            for (int pl = plane0; pl < plane1; pl++) {
                for (int oy = 0; oy < oh; oy++) {
                    max2x2Row(x, xo + pl * h * w + 2 * oy * w, w, out, oo + (pl * oh + oy) * ow, 0, ow);
                }
            }
            return;
        }
        double full = s.kernelH() * s.kernelW();
        for (int pl = plane0; pl < plane1; pl++) {
            int xp = xo + pl * h * w;
            int op = oo + pl * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(oy * s.strideH() - s.padH(), 0);
                int y1 = Math.min(oy * s.strideH() - s.padH() + s.kernelH(), h);
                for (int ox = 0; ox < ow; ox++) {
                    if (max) {
                        out[op + oy * ow + ox] = x[xp + windowArgmax(s, x, xp, h, w, oy, ox)];
                        continue;
                    }
                    int x0 = Math.max(ox * s.strideW() - s.padW(), 0);
                    int x1 = Math.min(ox * s.strideW() - s.padW() + s.kernelW(), w);
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            sum += x[xp + iy * w + ix];
                        }
                    }
                    double count = s.countIncludePad() ? full : (y1 - y0) * (x1 - x0);
                    out[op + oy * ow + ox] = sum / count;
                }
            }
        }
    }

    /** Pooling gradient of planes {@code [plane0, plane1)}; overlapping windows accumulate. */
    static void pool2dBackward(boolean max, PoolSpec s, double[] x, int xo, double[] gout, int go, double[] gx,
            int gxo, int h, int w, int oh, int ow, int plane0, int plane1) {
        if (max && isPlain2x2(s)) {
            for (int pl = plane0; pl < plane1; pl++) {
                int plane = pl * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    int r = plane + 2 * oy * w;
                    max2x2BackwardRow(x, xo + r, w, gout, go + (pl * oh + oy) * ow, gx, gxo + r, 0, ow);
                }
                max2x2ZeroEdges(gx, gxo + plane, h, w);
            }
            return;
        }
        double full = s.kernelH() * s.kernelW();
        for (int pl = plane0; pl < plane1; pl++) {
            int xp = xo + pl * h * w;
            int gp = gxo + pl * h * w;
            int op = go + pl * oh * ow;
            Arrays.fill(gx, gp, gp + h * w, 0);
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(oy * s.strideH() - s.padH(), 0);
                int y1 = Math.min(oy * s.strideH() - s.padH() + s.kernelH(), h);
                for (int ox = 0; ox < ow; ox++) {
                    double g = gout[op + oy * ow + ox];
                    if (max) {
                        gx[gp + windowArgmax(s, x, xp, h, w, oy, ox)] += g;
                        continue;
                    }
                    int x0 = Math.max(ox * s.strideW() - s.padW(), 0);
                    int x1 = Math.min(ox * s.strideW() - s.padW() + s.kernelW(), w);
                    double count = s.countIncludePad() ? full : (y1 - y0) * (x1 - x0);
                    double share = g / count;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            gx[gp + iy * w + ix] += share;
                        }
                    }
                }
            }
        }
    }

    // ---- drivers: split the work into tasks that own disjoint parts of the output --------------

    /** Pooling forward over all planes. */
    static void pool2dAll(boolean max, PoolSpec s, double[] x, int xo, double[] out, int oo, int planes, int h,
            int w, int oh, int ow, Parallel par) {
        int tasks = Math.min(planes, 4 * par.threads());
        par.run(tasks, t -> pool2d(max, s, x, xo, out, oo, h, w, oh, ow,
                Parallel.start(planes, tasks, t), Parallel.start(planes, tasks, t + 1)));
    }

    /** Pooling backward over all planes. */
    static void pool2dBackwardAll(boolean max, PoolSpec s, double[] x, int xo, double[] gout, int go,
            double[] gx, int gxo, int planes, int h, int w, int oh, int ow, Parallel par) {
        int tasks = Math.min(planes, 4 * par.threads());
        par.run(tasks, t -> pool2dBackward(max, s, x, xo, gout, go, gx, gxo, h, w, oh, ow,
                Parallel.start(planes, tasks, t), Parallel.start(planes, tasks, t + 1)));
    }
}

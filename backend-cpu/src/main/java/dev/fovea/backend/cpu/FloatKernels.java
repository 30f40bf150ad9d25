package dev.fovea.backend.cpu;

import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.PoolSpec;
import java.util.Arrays;

/**
 * FLOAT32 dense kernels. Generated from {@link DoubleKernels} by {@code sed 's/double/float/g;
 * s/Double/Float/g'}: change that file and regenerate this one, never edit this one alone.
 */
final class FloatKernels {
    private FloatKernels() {}

    // ---- matrix product -------------------------------------------------------------------------

    /**
     * {@code C[i, j] = (accumulate ? C[i, j] : 0) + sum_k A[i, k] * B[k, j]} for {@code i < m},
     * {@code j < n}, with {@code k} ascending. A is read through strides {@code (sai, sak)}; the
     * rows of B and C are contiguous. Four rows of C share each row of B.
     */
    static void gemm(int m, int n, int kk, float[] a, int ao, int sai, int sak, float[] b, int bo, int ldb,
            float[] c, int co, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0);
            }
        }
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int c0 = co + i * ldc;
            int c1 = c0 + ldc;
            int c2 = c1 + ldc;
            int c3 = c2 + ldc;
            int a0 = ao + i * sai;
            for (int k = 0; k < kk; k++) {
                int ak = a0 + k * sak;
                float v0 = a[ak];
                float v1 = a[ak + sai];
                float v2 = a[ak + 2 * sai];
                float v3 = a[ak + 3 * sai];
                int bk = bo + k * ldb;
                for (int j = 0; j < n; j++) {
                    float bv = b[bk + j];
                    c[c0 + j] += v0 * bv;
                    c[c1 + j] += v1 * bv;
                    c[c2 + j] += v2 * bv;
                    c[c3 + j] += v3 * bv;
                }
            }
        }
        for (; i < m; i++) {
            int ci = co + i * ldc;
            int ai = ao + i * sai;
            for (int k = 0; k < kk; k++) {
                float v = a[ai + k * sak];
                int bk = bo + k * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += v * b[bk + j];
                }
            }
        }
    }

    // ---- convolution ----------------------------------------------------------------------------

    /**
     * Rows {@code [r0, r1)} of the im2col matrix of group {@code g} of image {@code x[xo..]}: row
     * {@code r = (ci * kH + ky) * kW + kx}, column {@code oy * outW + ox}, written at
     * {@code cols[(r - r0) * P + column]}.
     */
    static void im2col(ConvGeometry q, float[] x, int xo, int g, int r0, int r1, float[] cols) {
        ConvSpec s = q.spec();
        int p = q.p();
        for (int r = r0; r < r1; r++) {
            int kx = r % q.kw();
            int ky = (r / q.kw()) % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int base = (r - r0) * p;
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, s.strideW()), q.ow());
            int hi = Math.max(ConvGeometry.endValid(offX, s.strideW(), q.w(), q.ow()), lo);
            for (int oy = 0; oy < q.oh(); oy++) {
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int row = base + oy * q.ow();
                if (iy < 0 || iy >= q.h()) {
                    Arrays.fill(cols, row, row + q.ow(), 0);
                    continue;
                }
                Arrays.fill(cols, row, row + lo, 0);
                int xi = xo + (ci * q.h() + iy) * q.w() + lo * s.strideW() + offX;
                for (int ox = lo; ox < hi; ox++, xi += s.strideW()) {
                    cols[row + ox] = x[xi];
                }
                Arrays.fill(cols, row + hi, row + q.ow(), 0);
            }
        }
    }

    /** Columns {@code [r0, r1)} of the transposed im2col matrix: {@code rows[column * (r1 - r0) + r - r0]}. */
    static void im2row(ConvGeometry q, float[] x, int xo, int g, int r0, int r1, float[] rows) {
        ConvSpec s = q.spec();
        int width = r1 - r0;
        for (int r = r0; r < r1; r++) {
            int kx = r % q.kw();
            int ky = (r / q.kw()) % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, s.strideW()), q.ow());
            int hi = Math.max(ConvGeometry.endValid(offX, s.strideW(), q.w(), q.ow()), lo);
            for (int oy = 0; oy < q.oh(); oy++) {
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int col = oy * q.ow() * width + (r - r0);
                if (iy < 0 || iy >= q.h()) {
                    for (int ox = 0; ox < q.ow(); ox++) {
                        rows[col + ox * width] = 0;
                    }
                    continue;
                }
                for (int ox = 0; ox < lo; ox++) {
                    rows[col + ox * width] = 0;
                }
                int xi = xo + (ci * q.h() + iy) * q.w() + lo * s.strideW() + offX;
                for (int ox = lo; ox < hi; ox++, xi += s.strideW()) {
                    rows[col + ox * width] = x[xi];
                }
                for (int ox = hi; ox < q.ow(); ox++) {
                    rows[col + ox * width] = 0;
                }
            }
        }
    }

    /** Adds the im2col matrix {@code cols} of group {@code g} back into image {@code gx[xo..]}. */
    static void col2im(ConvGeometry q, float[] cols, float[] gx, int xo, int g) {
        ConvSpec s = q.spec();
        int p = q.p();
        for (int r = 0; r < q.r(); r++) {
            int kx = r % q.kw();
            int ky = (r / q.kw()) % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, s.strideW()), q.ow());
            int hi = Math.max(ConvGeometry.endValid(offX, s.strideW(), q.w(), q.ow()), lo);
            for (int oy = 0; oy < q.oh(); oy++) {
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                if (iy < 0 || iy >= q.h()) {
                    continue;
                }
                int row = r * p + oy * q.ow();
                int xi = xo + (ci * q.h() + iy) * q.w() + lo * s.strideW() + offX;
                for (int ox = lo; ox < hi; ox++, xi += s.strideW()) {
                    gx[xi] += cols[row + ox];
                }
            }
        }
    }

    /** Forward convolution of images {@code [n0, n1)}; {@code bias} may be null. */
    static void conv2d(ConvGeometry q, float[] x, int xo, float[] w, int wo, float[] bias, int bo,
            float[] out, int oo, int n0, int n1) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        float[] cols = new float[r * p];
        for (int n = n0; n < n1; n++) {
            int xn = xo + n * q.c() * q.h() * q.w();
            for (int g = 0; g < q.groups(); g++) {
                im2col(q, x, xn, g, 0, r, cols);
                int ob = oo + (n * q.cout() + g * cog) * p;
                for (int co = 0; co < cog; co++) {
                    float v = bias == null ? 0 : bias[bo + g * cog + co];
                    Arrays.fill(out, ob + co * p, ob + (co + 1) * p, v);
                }
                gemm(cog, p, r, w, wo + g * cog * r, r, 1, cols, 0, p, out, ob, p, true);
            }
        }
    }

    /** Gradient with respect to the input, for images {@code [n0, n1)}. */
    static void conv2dBackwardData(ConvGeometry q, float[] gout, int go, float[] w, int wo, float[] gx, int xo,
            int n0, int n1) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int image = q.c() * q.h() * q.w();
        float[] cols = new float[r * p];
        for (int n = n0; n < n1; n++) {
            int xn = xo + n * image;
            Arrays.fill(gx, xn, xn + image, 0);
            for (int g = 0; g < q.groups(); g++) {
                // cols (R x P) = W_g^T (R x Cout_g) . gradOut_g (Cout_g x P)
                gemm(r, p, cog, w, wo + g * cog * r, 1, r, gout, go + (n * q.cout() + g * cog) * p, p, cols, 0, p,
                        false);
                col2im(q, cols, gx, xn, g);
            }
        }
    }

    /**
     * Gradient with respect to the weights, columns {@code [r0, r1)} of every group's
     * {@code [Cout_g, R]} weight matrix, summed over all images in order.
     */
    static void conv2dBackwardWeights(ConvGeometry q, float[] x, int xo, float[] gout, int go, float[] gw, int wo,
            int r0, int r1) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int width = r1 - r0;
        float[] rows = new float[p * width];
        float[] acc = new float[cog * width];
        for (int g = 0; g < q.groups(); g++) {
            Arrays.fill(acc, 0);
            for (int n = 0; n < q.n(); n++) {
                im2row(q, x, xo + n * q.c() * q.h() * q.w(), g, r0, r1, rows);
                // acc (Cout_g x width) += gradOut_g (Cout_g x P) . rows (P x width)
                gemm(cog, width, p, gout, go + (n * q.cout() + g * cog) * p, p, 1, rows, 0, width, acc, 0, width,
                        true);
            }
            for (int co = 0; co < cog; co++) {
                System.arraycopy(acc, co * width, gw, wo + (g * cog + co) * r + r0, width);
            }
        }
    }

    // ---- pooling --------------------------------------------------------------------------------

    /**
     * Index (in the plane) of the first maximum of the window at {@code (oy, ox)}; NaN counts as the
     * maximum.
     */
    static int windowArgmax(PoolSpec s, float[] x, int plane, int h, int w, int oy, int ox) {
        int y0 = Math.max(oy * s.strideH() - s.padH(), 0);
        int y1 = Math.min(oy * s.strideH() - s.padH() + s.kernelH(), h);
        int x0 = Math.max(ox * s.strideW() - s.padW(), 0);
        int x1 = Math.min(ox * s.strideW() - s.padW() + s.kernelW(), w);
        int best = y0 * w + x0;
        float bv = x[plane + best];
        for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) {
                float v = x[plane + iy * w + ix];
                if (bv == bv && (v > bv || v != v)) {
                    bv = v;
                    best = iy * w + ix;
                }
            }
        }
        return best;
    }

    /** Forward pooling of planes {@code [plane0, plane1)} of {@code h x w} into {@code oh x ow}. */
    static void pool2d(boolean max, PoolSpec s, float[] x, int xo, float[] out, int oo, int h, int w, int oh,
            int ow, int plane0, int plane1) {
        float full = s.kernelH() * s.kernelW();
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
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            sum += x[xp + iy * w + ix];
                        }
                    }
                    float count = s.countIncludePad() ? full : (y1 - y0) * (x1 - x0);
                    out[op + oy * ow + ox] = sum / count;
                }
            }
        }
    }

    /** Pooling gradient of planes {@code [plane0, plane1)}; overlapping windows accumulate. */
    static void pool2dBackward(boolean max, PoolSpec s, float[] x, int xo, float[] gout, int go, float[] gx,
            int gxo, int h, int w, int oh, int ow, int plane0, int plane1) {
        float full = s.kernelH() * s.kernelW();
        for (int pl = plane0; pl < plane1; pl++) {
            int xp = xo + pl * h * w;
            int gp = gxo + pl * h * w;
            int op = go + pl * oh * ow;
            Arrays.fill(gx, gp, gp + h * w, 0);
            for (int oy = 0; oy < oh; oy++) {
                int y0 = Math.max(oy * s.strideH() - s.padH(), 0);
                int y1 = Math.min(oy * s.strideH() - s.padH() + s.kernelH(), h);
                for (int ox = 0; ox < ow; ox++) {
                    float g = gout[op + oy * ow + ox];
                    if (max) {
                        gx[gp + windowArgmax(s, x, xp, h, w, oy, ox)] += g;
                        continue;
                    }
                    int x0 = Math.max(ox * s.strideW() - s.padW(), 0);
                    int x1 = Math.min(ox * s.strideW() - s.padW() + s.kernelW(), w);
                    float count = s.countIncludePad() ? full : (y1 - y0) * (x1 - x0);
                    float share = g / count;
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

    /**
     * Batched product {@code C[b] = A[b] . B[b]} with {@code A: [batch, m, kk]}, {@code B: [batch, kk, n]},
     * {@code C: [batch, m, n]} given by offsets and strides (batch, row, column). B is packed when its
     * rows are not contiguous, C is computed in a scratch block when its rows are not.
     */
    static void matmul(int batch, int m, int n, int kk, float[] a, int ao, int sab, int sam, int sak,
            float[] b, int bo, int sbb, int sbk, int sbn, float[] c, int co, int scb, int scm, int scn,
            boolean parallel) {
        float[][] bArrays = new float[batch][];
        int[] bOffsets = new int[batch];
        int ldb;
        if (sbn == 1 || n == 1) {
            ldb = sbk;
            for (int bi = 0; bi < batch; bi++) {
                bArrays[bi] = b;
                bOffsets[bi] = bo + bi * sbb;
            }
        } else {
            ldb = n;
            for (int bi = 0; bi < batch; bi++) {
                if (bi > 0 && sbb == 0) {
                    bArrays[bi] = bArrays[0];
                    continue;
                }
                float[] packed = new float[kk * n];
                int base = bo + bi * sbb;
                for (int k = 0; k < kk; k++) {
                    for (int j = 0; j < n; j++) {
                        packed[k * n + j] = b[base + k * sbk + j * sbn];
                    }
                }
                bArrays[bi] = packed;
            }
        }
        boolean directC = scn == 1 || n == 1;
        int chunks = parallel ? Math.max(1, Math.min((m + 15) / 16, (4 * Parallel.threads() + batch - 1) / batch)) : 1;
        Parallel.run(batch * chunks, parallel, t -> {
            int bi = t / chunks;
            int i0 = Parallel.start(m, chunks, t % chunks);
            int i1 = Parallel.start(m, chunks, t % chunks + 1);
            if (i1 == i0) {
                return;
            }
            int aStart = ao + bi * sab + i0 * sam;
            int cStart = co + bi * scb + i0 * scm;
            if (directC) {
                gemm(i1 - i0, n, kk, a, aStart, sam, sak, bArrays[bi], bOffsets[bi], ldb, c, cStart, scm, false);
            } else {
                float[] block = new float[(i1 - i0) * n];
                gemm(i1 - i0, n, kk, a, aStart, sam, sak, bArrays[bi], bOffsets[bi], ldb, block, 0, n, false);
                for (int i = 0; i < i1 - i0; i++) {
                    for (int j = 0; j < n; j++) {
                        c[cStart + i * scm + j * scn] = block[i * n + j];
                    }
                }
            }
        });
    }

    /** Forward convolution of every image, split over the batch. */
    static void conv2dAll(ConvGeometry q, float[] x, int xo, float[] w, int wo, float[] bias, int bo,
            float[] out, int oo, boolean parallel) {
        int tasks = parallel ? Math.min(q.n(), 2 * Parallel.threads()) : 1;
        Parallel.run(tasks, parallel, t -> conv2d(q, x, xo, w, wo, bias, bo, out, oo,
                Parallel.start(q.n(), tasks, t), Parallel.start(q.n(), tasks, t + 1)));
    }

    /** Input gradient of every image, split over the batch. */
    static void conv2dBackwardDataAll(ConvGeometry q, float[] gout, int go, float[] w, int wo, float[] gx,
            int xo, boolean parallel) {
        int tasks = parallel ? Math.min(q.n(), 2 * Parallel.threads()) : 1;
        Parallel.run(tasks, parallel, t -> conv2dBackwardData(q, gout, go, w, wo, gx, xo,
                Parallel.start(q.n(), tasks, t), Parallel.start(q.n(), tasks, t + 1)));
    }

    /** Weight gradient, split over the columns of the weight matrix (each summed over all images). */
    static void conv2dBackwardWeightsAll(ConvGeometry q, float[] x, int xo, float[] gout, int go, float[] gw,
            int wo, boolean parallel) {
        int tasks = parallel ? Math.min(q.r(), 2 * Parallel.threads()) : 1;
        Parallel.run(tasks, parallel, t -> conv2dBackwardWeights(q, x, xo, gout, go, gw, wo,
                Parallel.start(q.r(), tasks, t), Parallel.start(q.r(), tasks, t + 1)));
    }

    /** Pooling forward over all planes. */
    static void pool2dAll(boolean max, PoolSpec s, float[] x, int xo, float[] out, int oo, int planes, int h,
            int w, int oh, int ow, boolean parallel) {
        int tasks = parallel ? Math.min(planes, 2 * Parallel.threads()) : 1;
        Parallel.run(tasks, parallel, t -> pool2d(max, s, x, xo, out, oo, h, w, oh, ow,
                Parallel.start(planes, tasks, t), Parallel.start(planes, tasks, t + 1)));
    }

    /** Pooling backward over all planes. */
    static void pool2dBackwardAll(boolean max, PoolSpec s, float[] x, int xo, float[] gout, int go,
            float[] gx, int gxo, int planes, int h, int w, int oh, int ow, boolean parallel) {
        int tasks = parallel ? Math.min(planes, 2 * Parallel.threads()) : 1;
        Parallel.run(tasks, parallel, t -> pool2dBackward(max, s, x, xo, gout, go, gx, gxo, h, w, oh, ow,
                Parallel.start(planes, tasks, t), Parallel.start(planes, tasks, t + 1)));
    }
}

package dev.fovea.backend.cpu;

import static dev.fovea.backend.cpu.DoubleGemm.KC;
import static dev.fovea.backend.cpu.DoubleGemm.ceilDiv;

import dev.fovea.api.backend.ConvSpec;
import java.util.Arrays;

/**
 * Convolution of double arrays as GEMM over the im2col matrix of each image and group ({@code R = C/groups * kH * kW}
 * rows by {@code P = outH * outW} columns), without ever storing that matrix whole: each task packs
 * the part it needs straight from the image into the micro-kernel's panel layout, in the workspace
 * of its thread.
 *
 * <ul>
 *   <li>Forward: {@code out[n, g] (Cout_g x P) = bias + W_g (Cout_g x R) · cols}. The weights are
 *       packed once per call; tasks own (image, group, column chunk) blocks of the output.</li>
 *   <li>Input gradient: {@code cols = W_g^T · gradOut[n, g]}, computed a column chunk at a time and
 *       added back into the image (col2im). Tasks own (image, group) blocks of the gradient.</li>
 *   <li>Weight gradient: {@code gradW_g = sum over n of gradOut[n, g] · cols^T}, images in order.
 *       Tasks own column ranges of {@code gradW}; when {@code R} is small, fixed groups of images
 *       are summed separately and their sums added in order.</li>
 * </ul>
 * Every block size depends on the shapes alone, never on the thread count, so results are the
 * same bits for any number of threads.
 *
 * <p>Edit only the 64-bit file of each pair (its name starts with D): the 32-bit twin is generated
 * from it by {@code backend-cpu/generate-float-kernels.sh}, and {@code GeneratedSourcesTest} fails when
 * they drift apart.
 */
final class DoubleConv {
    /** Most columns of the im2col matrix one task packs at once (rounded to whole panels). */
    static final int CHUNK = 512;
    /** Image groups whose weight gradients are summed separately when R is small. */
    static final int IMAGE_GROUPS = 8;

    private DoubleConv() {}

    /** Width of the column chunks for {@code p} columns: about {@link #CHUNK}, whole panels, equal. */
    private static int chunkWidth(int p, int nr) {
        int chunks = ceilDiv(p, CHUNK);
        return ceilDiv(ceilDiv(p, chunks), nr) * nr;
    }

    // ---- forward --------------------------------------------------------------------------------

    static void forward(DoubleMicroKernel kern, Parallel par, ConvGeometry q, double[] x, int xo, double[] w,
            int wo, double[] bias, int bo, double[] out, int oo) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int mr = kern.mr;
        int nr = kern.nr;
        int kBlocks = ceilDiv(r, KC);
        int mPanels = ceilDiv(cog, mr);
        int aGroup = mPanels * mr * r;
        double[] ap = Workspace.doubles(Workspace.SHARED, groups * aGroup);
        for (int g = 0; g < groups; g++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(r, kBlocks, kb);
                int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                DoubleGemm.packA(mr, cog, kc, w, wo + g * cog * r + pc, r, 1, ap, g * aGroup + mPanels * mr * pc);
            }
        }
        int cw = chunkWidth(p, nr);
        int chunks = ceilDiv(p, cw);
        int image = q.c() * q.h() * q.w();
        int maxKc = ceilDiv(r, kBlocks);
        par.run(q.n() * groups * chunks, t -> {
            int ch = t % chunks;
            int g = t / chunks % groups;
            int n = t / chunks / groups;
            int p0 = ch * cw;
            int pw = Math.min(cw, p - p0);
            int xn = xo + n * image;
            int ob = oo + (n * q.cout() + g * cog) * p + p0;
            if (bias != null) {
                for (int co = 0; co < cog; co++) {
                    Arrays.fill(out, ob + co * p, ob + co * p + pw, bias[bo + g * cog + co]);
                }
            }
            double[] bp = Workspace.doubles(Workspace.TASK_B, ceilDiv(pw, nr) * nr * maxKc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(r, kBlocks, kb);
                int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                packCols(q, x, xn, g, pc, kc, p0, pw, nr, bp, 0);
                kern.macro(cog, pw, kc, ap, g * aGroup + mPanels * mr * pc, bp, 0, out, ob, p, bias != null || kb > 0);
            }
        });
    }

    // ---- input gradient -------------------------------------------------------------------------

    static void backwardData(DoubleMicroKernel kern, Parallel par, ConvGeometry q, double[] gout, int go, double[] w,
            int wo, double[] gx, int xo) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int mr = kern.mr;
        int nr = kern.nr;
        int kBlocks = ceilDiv(cog, KC);
        int mPanels = ceilDiv(r, mr);
        int aGroup = mPanels * mr * cog;
        double[] ap = Workspace.doubles(Workspace.SHARED, groups * aGroup);
        for (int g = 0; g < groups; g++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(cog, kBlocks, kb);
                int kc = Parallel.start(cog, kBlocks, kb + 1) - pc;
                // A = W_g^T: A(i = r, k = co) = w[(g * cog + co) * R + r]
                DoubleGemm.packA(mr, r, kc, w, wo + (g * cog + pc) * r, 1, r, ap, g * aGroup + mPanels * mr * pc);
            }
        }
        int cw = chunkWidth(p, nr);
        int chunks = ceilDiv(p, cw);
        int image = q.c() * q.h() * q.w();
        int groupImage = q.cinPerGroup() * q.h() * q.w();
        int maxKc = ceilDiv(cog, kBlocks);
        if (q.n() * groups >= 4) {
            par.run(q.n() * groups, t -> {
                int g = t % groups;
                int n = t / groups;
                int xn = xo + n * image;
                Arrays.fill(gx, xn + g * groupImage, xn + (g + 1) * groupImage, 0);
                double[] cols = Workspace.doubles(Workspace.TASK_C, r * cw);
                double[] bp = Workspace.doubles(Workspace.TASK_B, ceilDiv(cw, nr) * nr * maxKc);
                for (int ch = 0; ch < chunks; ch++) {
                    int p0 = ch * cw;
                    int pw = Math.min(cw, p - p0);
                    for (int kb = 0; kb < kBlocks; kb++) {
                        int pc = Parallel.start(cog, kBlocks, kb);
                        int kc = Parallel.start(cog, kBlocks, kb + 1) - pc;
                        DoubleGemm.packB(nr, kc, pw, gout, go + (n * q.cout() + g * cog + pc) * p + p0, p, 1, bp, 0, 0,
                                ceilDiv(pw, nr));
                        kern.macro(r, pw, kc, ap, g * aGroup + mPanels * mr * pc, bp, 0, cols, 0, pw, kb > 0);
                    }
                    col2im(q, cols, pw, gx, xn, g, p0, pw, p0);
                }
            });
            return;
        }
        // Few (image, group) pairs: split each product over the pool, then add the columns back in the
        // same chunk order as above.
        double[] cols = new double[r * p];
        for (int n = 0; n < q.n(); n++) {
            int xn = xo + n * image;
            for (int g = 0; g < groups; g++) {
                Arrays.fill(gx, xn + g * groupImage, xn + (g + 1) * groupImage, 0);
                DoubleGemm.gemm(kern, par, r, p, cog, w, wo + g * cog * r, 1, r, gout, go + (n * q.cout() + g * cog) * p,
                        p, 1, cols, 0, p, false);
                for (int ch = 0; ch < chunks; ch++) {
                    col2im(q, cols, p, gx, xn, g, ch * cw, Math.min(cw, p - ch * cw), 0);
                }
            }
        }
    }

    // ---- weight gradient ------------------------------------------------------------------------

    static void backwardWeights(DoubleMicroKernel kern, Parallel par, ConvGeometry q, double[] x, int xo,
            double[] gout, int go, double[] gw, int wo) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int nr = kern.nr;
        int rPanels = ceilDiv(r, nr);
        if (rPanels >= 4 || q.n() == 1) {
            int rParts = Math.min(rPanels, Math.max(1, ceilDiv(par.threads(), groups)));
            par.run(groups * rParts, t -> {
                int g = t / rParts;
                int rp = t % rParts;
                int r0 = Parallel.start(rPanels, rParts, rp) * nr;
                int r1 = Math.min(r, Parallel.start(rPanels, rParts, rp + 1) * nr);
                if (r0 < r1) {
                    weightsOf(kern, q, x, xo, gout, go, g, r0, r1, 0, q.n(), gw, wo + g * cog * r + r0, false);
                }
            });
            return;
        }
        int parts = Math.min(q.n(), IMAGE_GROUPS);
        int size = q.cout() * r;
        double[] partial = new double[parts * size];
        par.run(parts * groups, t -> {
            int g = t % groups;
            int part = t / groups;
            weightsOf(kern, q, x, xo, gout, go, g, 0, r, Parallel.start(q.n(), parts, part),
                    Parallel.start(q.n(), parts, part + 1), partial, part * size + g * cog * r, false);
        });
        for (int i = 0; i < size; i++) {
            double s = partial[i];
            for (int part = 1; part < parts; part++) {
                s += partial[part * size + i];
            }
            gw[wo + i] = s;
        }
    }

    /**
     * {@code C (Cout_g x [r0, r1)) = (accumulate ? C : 0) + sum over images [n0, n1) of gradOut[n, g] · cols^T},
     * C row-major with leading dimension R at {@code c[co..]}; the shared dimension (P) in blocks of
     * at most {@link DoubleGemm#KC}, images and blocks in ascending order.
     */
    private static void weightsOf(DoubleMicroKernel kern, ConvGeometry q, double[] x, int xo, double[] gout, int go,
            int g, int r0, int r1, int n0, int n1, double[] c, int co, boolean accumulate) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int mr = kern.mr;
        int nr = kern.nr;
        int rw = r1 - r0;
        int pBlocks = ceilDiv(p, KC);
        int maxKc = ceilDiv(p, pBlocks);
        double[] ap = Workspace.doubles(Workspace.TASK_A, ceilDiv(cog, mr) * mr * maxKc);
        double[] bp = Workspace.doubles(Workspace.TASK_B, ceilDiv(rw, nr) * nr * maxKc);
        int image = q.c() * q.h() * q.w();
        boolean acc = accumulate;
        for (int n = n0; n < n1; n++) {
            for (int pb = 0; pb < pBlocks; pb++) {
                int p0 = Parallel.start(p, pBlocks, pb);
                int kc = Parallel.start(p, pBlocks, pb + 1) - p0;
                // A = gradOut[n, g] (Cout_g x P), columns [p0, p0 + kc)
                DoubleGemm.packA(mr, cog, kc, gout, go + (n * q.cout() + g * cog) * p + p0, p, 1, ap, 0);
                packRows(q, x, xo + n * image, g, r0, rw, p0, kc, nr, bp, 0);
                kern.macro(cog, rw, kc, ap, 0, bp, 0, c, co, r, acc);
                acc = true;
            }
        }
        if (!acc) { // no images: the sum is empty
            for (int co2 = 0; co2 < cog; co2++) {
                Arrays.fill(c, co + co2 * r, co + co2 * r + rw, 0);
            }
        }
    }

    // ---- im2col, straight into packed panels, and back ------------------------------------------

    /**
     * Packs rows {@code [r0, r0 + kc)} and columns {@code [p0, p0 + pw)} of the im2col matrix of group
     * {@code g} of the image at {@code x[xo..]} as B panels of width {@code nr}: element {@code (r, col)}
     * at {@code dst[d0 + ((col - p0) / nr) * kc * nr + (r - r0) * nr + (col - p0) % nr]}; columns past
     * {@code pw} in the last panel are zero.
     */
    static void packCols(ConvGeometry q, double[] x, int xo, int g, int r0, int kc, int p0, int pw, int nr,
            double[] dst, int d0) {
        ConvSpec s = q.spec();
        int ow = q.ow();
        int sw = s.strideW();
        int panels = ceilDiv(pw, nr);
        int panelSize = kc * nr;
        for (int r = r0; r < r0 + kc; r++) {
            int kx = r % q.kw();
            int ky = r / q.kw() % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, sw), ow);
            int hi = Math.max(ConvGeometry.endValid(offX, sw, q.w(), ow), lo);
            int plane = xo + ci * q.h() * q.w();
            int rowBase = d0 + (r - r0) * nr;
            int end = p0 + pw;
            int oy = p0 / ow;
            int ox = p0 % ow;
            for (int col = p0; col < end; ) {
                int lc = col - p0;
                int jj = lc % nr;
                int run = Math.min(Math.min(ow - ox, nr - jj), end - col);
                int d = rowBase + lc / nr * panelSize + jj;
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int a = Math.max(ox, lo);
                int z = Math.min(ox + run, hi);
                if (iy < 0 || iy >= q.h() || z <= a) {
                    Arrays.fill(dst, d, d + run, 0);
                } else {
                    if (a > ox) {
                        Arrays.fill(dst, d, d + a - ox, 0);
                    }
                    int xi = plane + iy * q.w() + a * sw + offX;
                    if (sw == 1) {
                        System.arraycopy(x, xi, dst, d + a - ox, z - a);
                    } else {
                        for (int t = a; t < z; t++, xi += sw) {
                            dst[d + t - ox] = x[xi];
                        }
                    }
                    if (z < ox + run) {
                        Arrays.fill(dst, d + z - ox, d + run, 0);
                    }
                }
                col += run;
                ox += run;
                if (ox == ow) {
                    ox = 0;
                    oy++;
                }
            }
            int tail = panels * nr - pw;
            if (tail > 0) {
                int d = rowBase + (panels - 1) * panelSize + nr - tail;
                Arrays.fill(dst, d, d + tail, 0);
            }
        }
    }

    /**
     * Packs the transposed im2col matrix: rows {@code [p0, p0 + kc)} (output positions) and columns
     * {@code [r0, r0 + rw)} (rows of the im2col matrix) as B panels of width {@code nr}: element
     * {@code (col, r)} at {@code dst[d0 + ((r - r0) / nr) * kc * nr + (col - p0) * nr + (r - r0) % nr]};
     * columns past {@code rw} in the last panel are zero.
     */
    static void packRows(ConvGeometry q, double[] x, int xo, int g, int r0, int rw, int p0, int kc, int nr,
            double[] dst, int d0) {
        ConvSpec s = q.spec();
        int ow = q.ow();
        int sw = s.strideW();
        int panels = ceilDiv(rw, nr);
        for (int r = r0; r < r0 + rw; r++) {
            int kx = r % q.kw();
            int ky = r / q.kw() % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, sw), ow);
            int hi = Math.max(ConvGeometry.endValid(offX, sw, q.w(), ow), lo);
            int plane = xo + ci * q.h() * q.w();
            int lr = r - r0;
            int dcol = d0 + lr / nr * kc * nr + lr % nr;
            int end = p0 + kc;
            int oy = p0 / ow;
            int ox = p0 % ow;
            for (int col = p0; col < end; ) {
                int run = Math.min(ow - ox, end - col);
                int d = dcol + (col - p0) * nr;
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int a = Math.max(ox, lo);
                int z = Math.min(ox + run, hi);
                if (iy < 0 || iy >= q.h() || z <= a) {
                    for (int t = 0; t < run; t++) {
                        dst[d + t * nr] = 0;
                    }
                } else {
                    for (int t = ox; t < a; t++) {
                        dst[d + (t - ox) * nr] = 0;
                    }
                    int xi = plane + iy * q.w() + a * sw + offX;
                    for (int t = a; t < z; t++, xi += sw) {
                        dst[d + (t - ox) * nr] = x[xi];
                    }
                    for (int t = z; t < ox + run; t++) {
                        dst[d + (t - ox) * nr] = 0;
                    }
                }
                col += run;
                ox += run;
                if (ox == ow) {
                    ox = 0;
                    oy++;
                }
            }
        }
        for (int lr = rw; lr < panels * nr; lr++) {
            int dcol = d0 + lr / nr * kc * nr + lr % nr;
            for (int t = 0; t < kc; t++) {
                dst[dcol + t * nr] = 0;
            }
        }
    }

    /**
     * Adds columns {@code [p0, p0 + pw)} of the im2col matrix of group {@code g} (row {@code r}, column
     * {@code col} at {@code cols[r * ld + col - c0]}) back into the image {@code gx[xo..]}.
     */
    static void col2im(ConvGeometry q, double[] cols, int ld, double[] gx, int xo, int g, int p0, int pw, int c0) {
        ConvSpec s = q.spec();
        int ow = q.ow();
        int sw = s.strideW();
        int end = p0 + pw;
        for (int r = 0; r < q.r(); r++) {
            int kx = r % q.kw();
            int ky = r / q.kw() % q.kh();
            int ci = r / (q.kw() * q.kh()) + g * q.cinPerGroup();
            int offX = kx * s.dilationW() - s.padLeft();
            int lo = Math.min(ConvGeometry.firstValid(offX, sw), ow);
            int hi = Math.max(ConvGeometry.endValid(offX, sw, q.w(), ow), lo);
            int plane = xo + ci * q.h() * q.w();
            int row = r * ld - c0;
            int oy = p0 / ow;
            int ox = p0 % ow;
            for (int col = p0; col < end; ) {
                int run = Math.min(ow - ox, end - col);
                int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                int a = Math.max(ox, lo);
                int z = Math.min(ox + run, hi);
                if (iy >= 0 && iy < q.h() && z > a) {
                    int xi = plane + iy * q.w() + a * sw + offX;
                    int ci0 = row + col + a - ox;
                    if (sw == 1) {
                        for (int t = 0; t < z - a; t++) {
                            gx[xi + t] += cols[ci0 + t];
                        }
                    } else {
                        for (int t = 0; t < z - a; t++, xi += sw) {
                            gx[xi] += cols[ci0 + t];
                        }
                    }
                }
                col += run;
                ox += run;
                if (ox == ow) {
                    ox = 0;
                    oy++;
                }
            }
        }
    }
}

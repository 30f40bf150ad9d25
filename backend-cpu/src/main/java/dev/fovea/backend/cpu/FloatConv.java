package dev.fovea.backend.cpu;

import static dev.fovea.backend.cpu.FloatGemm.KC;
import static dev.fovea.backend.cpu.FloatGemm.ceilDiv;

import dev.fovea.api.backend.ConvSpec;
import java.util.Arrays;

/**
 * Convolution of float arrays as GEMM over the im2col matrix of each image and group ({@code R = C/groups * kH * kW}
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
final class FloatConv {
    /** Most columns of the im2col matrix one task packs at once (rounded to whole panels). */
    static final int CHUNK = 512;
    /** Image groups whose weight gradients are summed separately (see {@link #weightsImplicit}). */
    static final int IMAGE_GROUPS = 8;
    /** Largest R x Cout gradient (padded to whole panels) summed in image groups regardless of R. */
    static final int IMAGE_GROUPS_MAX_PARTIAL = 40 * 1024;

    private FloatConv() {}

    /** Width of the column chunks for {@code p} columns: about {@link #CHUNK}, whole panels, equal. */
    private static int chunkWidth(int p, int nr) {
        int chunks = ceilDiv(p, CHUNK);
        return ceilDiv(ceilDiv(p, chunks), nr) * nr;
    }

    // ---- forward --------------------------------------------------------------------------------

    /**
     * Whether {@link #forwardImplicit} handles {@code q}: stride 1, and enough images for tasks that own
     * whole images (a property of the shape alone, so the choice never depends on the thread count).
     */
    static boolean implicitApplies(ConvGeometry q) {
        return q.spec().strideH() == 1 && q.spec().strideW() == 1 && q.n() >= 4;
    }

    static void forward(FloatMicroKernel kern, Parallel par, ConvGeometry q, float[] x, int xo, float[] w,
            int wo, float[] bias, int bo, float[] out, int oo) {
        if (implicitApplies(q)) {
            forwardImplicit(kern, par, q, x, xo, w, wo, bias, bo, out, oo);
            return;
        }
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int mr = kern.mr;
        int nr = kern.nr;
        int kBlocks = ceilDiv(r, KC);
        int mPanels = ceilDiv(cog, mr);
        int aGroup = mPanels * mr * r;
        float[] ap = Workspace.floats(Workspace.SHARED, groups * aGroup);
        for (int g = 0; g < groups; g++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(r, kBlocks, kb);
                int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                FloatGemm.packA(mr, cog, kc, w, wo + g * cog * r + pc, r, 1, ap, g * aGroup + mPanels * mr * pc);
            }
        }
        int cw = chunkWidth(p, nr);
        int chunks = ceilDiv(p, cw);
        int image = q.c() * q.h() * q.w();
        int maxKc = ceilDiv(r, kBlocks);
        int[] taps = taps(q);
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
            float[] bp = Workspace.floats(Workspace.TASK_B, ceilDiv(pw, nr) * nr * maxKc);
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(r, kBlocks, kb);
                int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                packCols(q, taps, x, xn, g, pc, kc, p0, pw, nr, bp, 0);
                kern.macro(cog, pw, kc, ap, g * aGroup + mPanels * mr * pc, bp, 0, out, ob, p, bias != null || kb > 0);
            }
        });
    }

    /**
     * Forward convolution with stride 1 as an implicit GEMM on the padded-width grid: each task copies
     * its image into a zero-padded buffer ({@code Hp x Wp} planes), on which row {@code r = (ci, ky, kx)}
     * of the im2col matrix, taken over positions {@code p' = oy * Wp + ox}, is one contiguous run
     * starting at {@code ci * Hp * Wp + ky * dH * Wp + kx * dW}. The micro-kernel reads B through that
     * table of row offsets: nothing is packed. Columns with {@code ox >= outW} are computed and dropped
     * (the price: {@code Wp / outW} more multiplies); the others are copied out, plus the bias. An
     * output at most half a tile wide on a wider grid (14 on 18) takes two output rows per tile
     * instead, one per half ({@link FloatMicroKernel#tileRowsSplit}), computing 16 columns per 14.
     */
    static void forwardImplicit(FloatMicroKernel kern, Parallel par, ConvGeometry q, float[] x, int xo, float[] w,
            int wo, float[] bias, int bo, float[] out, int oo) {
        ConvSpec s = q.spec();
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int cig = q.cinPerGroup();
        int groups = q.groups();
        int mr = kern.mr;
        int nr = kern.nr;
        int ow = q.ow();
        int hp = q.h() + s.padTop() + s.padBottom();
        int wp = q.w() + s.padLeft() + s.padRight();
        int planeP = hp * wp;
        int pp = q.oh() * wp;
        int kk = q.kh() * q.kw();
        // Narrow outputs (ow <= h < Wp: LeNet's 14-wide maps, Wp = 18) put two output rows in a tile,
        // one per half (tileRowsSplit): 16 columns computed per 14 kept instead of 18 on the grid.
        int half = kern.halfWidth();
        boolean split = half > 0 && ow <= half && wp > half;
        int tilesTotal = ceilDiv(q.oh(), 2);
        int tilesPerChunk = Math.max(1, CHUNK / nr);
        int cw = split ? Math.min(tilesPerChunk, tilesTotal) * nr : chunkWidth(pp, nr);
        int chunks = split ? ceilDiv(tilesTotal, tilesPerChunk) : ceilDiv(pp, cw);
        int padded = q.c() * planeP + cw + q.kw() * s.dilationW() + 2 * nr + 2 * wp;
        int kBlocks = ceilDiv(r, KC);
        int mPanels = ceilDiv(cog, mr);
        int aGroup = mPanels * mr * r;
        float[] ap = Workspace.floats(Workspace.SHARED, groups * aGroup);
        for (int g = 0; g < groups; g++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(r, kBlocks, kb);
                int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                FloatGemm.packA(mr, cog, kc, w, wo + g * cog * r + pc, r, 1, ap, g * aGroup + mPanels * mr * pc);
            }
        }
        int image = q.c() * q.h() * q.w();
        par.run(q.n(), n -> {
            float[] xp = Workspace.floats(Workspace.TASK_X, padded);
            padImage(q, x, xo + n * image, xp, hp, wp, padded);
            int[] off = new int[r];
            float[] cb = Workspace.floats(Workspace.TASK_C, mPanels * mr * cw);
            for (int g = 0; g < groups; g++) {
                for (int rr = 0; rr < r; rr++) {
                    int t = rr % kk;
                    off[rr] = (g * cig + rr / kk) * planeP + t / q.kw() * s.dilationH() * wp + t % q.kw() * s.dilationW();
                }
                if (split) {
                    for (int ch = 0; ch < chunks; ch++) {
                        int t0 = ch * tilesPerChunk;
                        int tiles = Math.min(tilesPerChunk, tilesTotal - t0);
                        for (int kb = 0; kb < kBlocks; kb++) {
                            int pc = Parallel.start(r, kBlocks, kb);
                            int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                            kern.macroRowsSplit(cog, tiles, kc, ap, g * aGroup + mPanels * mr * pc, xp, off, pc,
                                    t0 * 2 * wp, 2 * wp, wp, cb, 0, cw, kb > 0);
                        }
                        for (int co = 0; co < cog; co++) {
                            int ob = oo + (n * q.cout() + g * cog + co) * p;
                            float bv = bias != null ? bias[bo + g * cog + co] : 0;
                            for (int oy = 2 * t0; oy < Math.min(q.oh(), 2 * (t0 + tiles)); oy++) {
                                int c = co * cw + (oy - 2 * t0) * half;
                                int o = ob + oy * ow;
                                for (int ox = 0; ox < ow; ox++) {
                                    out[o + ox] = cb[c + ox] + bv;
                                }
                            }
                        }
                    }
                    continue;
                }
                for (int ch = 0; ch < chunks; ch++) {
                    int p0 = ch * cw;
                    int pw = Math.min(cw, pp - p0);
                    int pwr = ceilDiv(pw, nr) * nr;
                    for (int kb = 0; kb < kBlocks; kb++) {
                        int pc = Parallel.start(r, kBlocks, kb);
                        int kc = Parallel.start(r, kBlocks, kb + 1) - pc;
                        kern.macroRows(cog, pwr, kc, ap, g * aGroup + mPanels * mr * pc, xp, off, pc, p0, cb, 0, cw,
                                kb > 0);
                    }
                    for (int co = 0; co < cog; co++) {
                        int ob = oo + (n * q.cout() + g * cog + co) * p;
                        int cbRow = co * cw - p0;
                        boolean withBias = bias != null;
                        float bv = withBias ? bias[bo + g * cog + co] : 0;
                        for (int pq = p0; pq < p0 + pw; ) {
                            int oy = pq / wp;
                            int ox = pq - oy * wp;
                            int run = Math.min(wp - ox, p0 + pw - pq);
                            int valid = Math.max(0, Math.min(run, ow - ox));
                            int o = ob + oy * ow + ox;
                            int c = cbRow + pq;
                            if (withBias) {
                                for (int t = 0; t < valid; t++) {
                                    out[o + t] = cb[c + t] + bv;
                                }
                            } else {
                                System.arraycopy(cb, c, out, o, valid);
                            }
                            pq += run;
                        }
                    }
                }
            }
        });
    }

    /**
     * Copies the image at {@code x[xo..]} into {@code xp} as {@code C} zero-padded {@code hp x wp}
     * planes and zeroes {@code xp[C hp wp, padded)}: every element up to {@code padded} is written,
     * and the padding is written once rather than the whole buffer being cleared first.
     */
    static void padImage(ConvGeometry q, float[] x, int xo, float[] xp, int hp, int wp, int padded) {
        ConvSpec s = q.spec();
        int h = q.h();
        int w = q.w();
        int top = s.padTop() * wp;
        int right = wp - s.padLeft() - w;
        for (int ci = 0; ci < q.c(); ci++) {
            int plane = ci * hp * wp;
            Arrays.fill(xp, plane, plane + top + s.padLeft(), 0);
            int src = xo + ci * h * w;
            for (int iy = 0; iy < h; iy++) {
                int row = plane + top + iy * wp + s.padLeft();
                System.arraycopy(x, src + iy * w, xp, row, w);
                // this row's right padding and the next row's left padding are adjacent
                Arrays.fill(xp, row + w, row + w + right + (iy + 1 < h ? s.padLeft() : 0), 0);
            }
            Arrays.fill(xp, plane + (s.padTop() + h) * wp, plane + hp * wp, 0);
        }
        Arrays.fill(xp, q.c() * hp * wp, padded, 0);
    }

    // ---- input gradient -------------------------------------------------------------------------

    /**
     * Whether the input gradient is computed as a forward convolution (stride 1, one group, padding at
     * most {@code dilation * (k - 1)} on each side, enough images): of {@code gradOut}, padded by
     * {@code dilation * (k - 1) - padding}, with the weights flipped and their channel axes swapped.
     */
    static boolean implicitDataApplies(ConvGeometry q) {
        ConvSpec s = q.spec();
        int reachH = s.dilationH() * (q.kh() - 1);
        int reachW = s.dilationW() * (q.kw() - 1);
        return implicitApplies(q) && q.groups() == 1 && q.c() >= 4 && s.padTop() <= reachH && s.padBottom() <= reachH
                && s.padLeft() <= reachW && s.padRight() <= reachW;
    }

    static void backwardData(FloatMicroKernel kern, Parallel par, ConvGeometry q, float[] gout, int go, float[] w,
            int wo, float[] gx, int xo) {
        if (implicitDataApplies(q)) {
            ConvSpec s = q.spec();
            int reachH = s.dilationH() * (q.kh() - 1);
            int reachW = s.dilationW() * (q.kw() - 1);
            ConvSpec flipped = new ConvSpec(1, 1, reachH - s.padTop(), reachH - s.padBottom(), reachW - s.padLeft(),
                    reachW - s.padRight(), s.dilationH(), s.dilationW(), 1);
            ConvGeometry t = new ConvGeometry(q.n(), q.cout(), q.oh(), q.ow(), q.c(), q.kh(), q.kw(), q.h(), q.w(),
                    flipped);
            int kk = q.kh() * q.kw();
            float[] wt = new float[q.c() * q.cout() * kk];
            for (int co = 0; co < q.cout(); co++) {
                for (int ci = 0; ci < q.c(); ci++) {
                    int src = wo + (co * q.c() + ci) * kk;
                    int dst = (ci * q.cout() + co) * kk;
                    for (int k = 0; k < kk; k++) {
                        wt[dst + kk - 1 - k] = w[src + k];
                    }
                }
            }
            forwardImplicit(kern, par, t, gout, go, wt, 0, null, 0, gx, xo);
            return;
        }
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int mr = kern.mr;
        int nr = kern.nr;
        int kBlocks = ceilDiv(cog, KC);
        int mPanels = ceilDiv(r, mr);
        int aGroup = mPanels * mr * cog;
        float[] ap = Workspace.floats(Workspace.SHARED, groups * aGroup);
        for (int g = 0; g < groups; g++) {
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(cog, kBlocks, kb);
                int kc = Parallel.start(cog, kBlocks, kb + 1) - pc;
                // A = W_g^T: A(i = r, k = co) = w[(g * cog + co) * R + r]
                FloatGemm.packA(mr, r, kc, w, wo + (g * cog + pc) * r, 1, r, ap, g * aGroup + mPanels * mr * pc);
            }
        }
        int cw = chunkWidth(p, nr);
        int chunks = ceilDiv(p, cw);
        int image = q.c() * q.h() * q.w();
        int groupImage = q.cinPerGroup() * q.h() * q.w();
        int maxKc = ceilDiv(cog, kBlocks);
        int[] taps = taps(q);
        if (q.n() * groups >= 4) {
            par.run(q.n() * groups, t -> {
                int g = t % groups;
                int n = t / groups;
                int xn = xo + n * image;
                Arrays.fill(gx, xn + g * groupImage, xn + (g + 1) * groupImage, 0);
                float[] cols = Workspace.floats(Workspace.TASK_C, r * cw);
                float[] bp = Workspace.floats(Workspace.TASK_B, ceilDiv(cw, nr) * nr * maxKc);
                for (int ch = 0; ch < chunks; ch++) {
                    int p0 = ch * cw;
                    int pw = Math.min(cw, p - p0);
                    for (int kb = 0; kb < kBlocks; kb++) {
                        int pc = Parallel.start(cog, kBlocks, kb);
                        int kc = Parallel.start(cog, kBlocks, kb + 1) - pc;
                        FloatGemm.packB(nr, kc, pw, gout, go + (n * q.cout() + g * cog + pc) * p + p0, p, 1, bp, 0, 0,
                                ceilDiv(pw, nr));
                        kern.macro(r, pw, kc, ap, g * aGroup + mPanels * mr * pc, bp, 0, cols, 0, pw, kb > 0);
                    }
                    col2im(q, taps, cols, pw, gx, xn, g, p0, pw, p0);
                }
            });
            return;
        }
        // Few (image, group) pairs: split each product over the pool, then add the columns back in the
        // same chunk order as above.
        float[] cols = new float[r * p];
        for (int n = 0; n < q.n(); n++) {
            int xn = xo + n * image;
            for (int g = 0; g < groups; g++) {
                Arrays.fill(gx, xn + g * groupImage, xn + (g + 1) * groupImage, 0);
                FloatGemm.gemm(kern, par, r, p, cog, w, wo + g * cog * r, 1, r, gout, go + (n * q.cout() + g * cog) * p,
                        p, 1, cols, 0, p, false);
                for (int ch = 0; ch < chunks; ch++) {
                    col2im(q, taps, cols, p, gx, xn, g, ch * cw, Math.min(cw, p - ch * cw), 0);
                }
            }
        }
    }

    // ---- weight gradient ------------------------------------------------------------------------

    static void backwardWeights(FloatMicroKernel kern, Parallel par, ConvGeometry q, float[] x, int xo,
            float[] gout, int go, float[] gw, int wo) {
        if (implicitApplies(q)) {
            weightsImplicit(kern, par, q, x, xo, gout, go, gw, wo);
            return;
        }
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int groups = q.groups();
        int nr = kern.nr;
        int rPanels = ceilDiv(r, nr);
        int[] taps = taps(q);
        if (rPanels >= 4 || q.n() == 1) {
            int rParts = Math.min(rPanels, Math.max(1, ceilDiv(par.threads(), groups)));
            par.run(groups * rParts, t -> {
                int g = t / rParts;
                int rp = t % rParts;
                int r0 = Parallel.start(rPanels, rParts, rp) * nr;
                int r1 = Math.min(r, Parallel.start(rPanels, rParts, rp + 1) * nr);
                if (r0 < r1) {
                    weightsOf(kern, q, taps, x, xo, gout, go, g, r0, r1, 0, q.n(), gw, wo + g * cog * r + r0, false);
                }
            });
            return;
        }
        int parts = Math.min(q.n(), IMAGE_GROUPS);
        int size = q.cout() * r;
        float[] partial = new float[parts * size];
        par.run(parts * groups, t -> {
            int g = t % groups;
            int part = t / groups;
            weightsOf(kern, q, taps, x, xo, gout, go, g, 0, r, Parallel.start(q.n(), parts, part),
                    Parallel.start(q.n(), parts, part + 1), partial, part * size + g * cog * r, false);
        });
        for (int i = 0; i < size; i++) {
            float s = partial[i];
            for (int part = 1; part < parts; part++) {
                s += partial[part * size + i];
            }
            gw[wo + i] = s;
        }
    }

    /**
     * Weight gradient with stride 1, transposed: {@code gradW_g^T (R x Cout_g) = sum over images and
     * valid output positions p of X(r, p) · gradOut(co, p)}. A is gathered straight from a zero-padded
     * copy of the image ({@code X(r, p) = xpad[off(r) + pos(p)]}, see {@link #forwardImplicit}), B is
     * {@code gradOut^T}, packed once per image. Tasks own row ranges of {@code gradW^T}; when R is
     * small or the whole {@code R x Cout} sum is small (see {@link #IMAGE_GROUPS_MAX_PARTIAL}), fixed
     * groups of images are summed apart and their sums added in order.
     */
    private static void weightsImplicit(FloatMicroKernel kern, Parallel par, ConvGeometry q, float[] x, int xo,
            float[] gout, int go, float[] gw, int wo) {
        ConvSpec s = q.spec();
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int cig = q.cinPerGroup();
        int groups = q.groups();
        int mr = kern.gatherRows();
        int nr = kern.nr;
        int hp = q.h() + s.padTop() + s.padBottom();
        int wp = q.w() + s.padLeft() + s.padRight();
        int planeP = hp * wp;
        int kk = q.kh() * q.kw();
        int padded = q.c() * planeP + 2 * nr;
        int image = q.c() * q.h() * q.w();
        int[] pos = new int[p];
        for (int i = 0; i < p; i++) {
            pos[i] = i / q.ow() * wp + i % q.ow();
        }
        int mPanels = ceilDiv(r, mr);
        int rPad = mPanels * mr;
        int nPanels = ceilDiv(cog, nr);
        int cPad = nPanels * nr;
        int pBlocks = ceilDiv(p, KC);
        // Split the images, not the rows, when there are few row panels (LeNet's first layer: R = 25,
        // 4 panels) or when the IMAGE_GROUPS partial sums stay small enough for L2 (32x64x56x56 3x3:
        // 576 x 64): with row parts every task packs every image's gradOut^T itself. Measured on both
        // kinds; larger gradients (R x Cout = 1152 x 128) run faster split by rows.
        int imageParts = mPanels <= 4 || (long) groups * rPad * cPad <= IMAGE_GROUPS_MAX_PARTIAL
                ? Math.min(q.n(), IMAGE_GROUPS) : 1;
        int rParts = imageParts > 1 ? 1 : Math.min(mPanels, Math.max(1, ceilDiv(par.threads(), groups)));
        int partSize = groups * rPad * cPad;
        float[] acc = Workspace.floats(Workspace.SHARED, imageParts * partSize);
        par.run(imageParts * groups * rParts, t -> {
            int rp = t % rParts;
            int g = t / rParts % groups;
            int part = t / rParts / groups;
            int i0 = Parallel.start(mPanels, rParts, rp);
            int i1 = Parallel.start(mPanels, rParts, rp + 1);
            int n0 = Parallel.start(q.n(), imageParts, part);
            int n1 = Parallel.start(q.n(), imageParts, part + 1);
            int cBase = part * partSize + g * rPad * cPad;
            int[] offA = new int[rPad];
            for (int rr = 0; rr < r; rr++) {
                int tap = rr % kk;
                offA[rr] = (g * cig + rr / kk) * planeP + tap / q.kw() * s.dilationH() * wp
                        + tap % q.kw() * s.dilationW();
            }
            float[] xp = Workspace.floats(Workspace.TASK_X, padded);
            float[] bp = Workspace.floats(Workspace.TASK_B, nPanels * nr * p);
            boolean accumulate = false;
            for (int n = n0; n < n1; n++) {
                Arrays.fill(xp, 0, padded, 0);
                for (int ci = g * cig; ci < (g + 1) * cig; ci++) {
                    for (int iy = 0; iy < q.h(); iy++) {
                        System.arraycopy(x, xo + n * image + (ci * q.h() + iy) * q.w(), xp,
                                ci * planeP + (iy + s.padTop()) * wp + s.padLeft(), q.w());
                    }
                }
                for (int pb = 0; pb < pBlocks; pb++) {
                    int p0 = Parallel.start(p, pBlocks, pb);
                    int kc = Parallel.start(p, pBlocks, pb + 1) - p0;
                    // B = gradOut[n, g]^T rows [p0, p0 + kc): B(k, co) = gout[(n * Cout + g * Cout_g + co) * P + p0 + k]
                    FloatGemm.packB(nr, kc, cog, gout, go + (n * q.cout() + g * cog) * p + p0, 1, p, bp, 0, 0,
                            nPanels);
                    for (int ip = i0; ip < i1; ip++) {
                        for (int jp = 0; jp < nPanels; jp++) {
                            kern.tileGather(kc, xp, offA, ip * mr, pos, p0, bp, jp * kc * nr, acc,
                                    cBase + ip * mr * cPad + jp * nr, cPad, accumulate);
                        }
                    }
                    accumulate = true;
                }
            }
        });
        for (int g = 0; g < groups; g++) {
            for (int co = 0; co < cog; co++) {
                int dst = wo + (g * cog + co) * r;
                for (int rr = 0; rr < r; rr++) {
                    int at = g * rPad * cPad + rr * cPad + co;
                    float sum = acc[at];
                    for (int part = 1; part < imageParts; part++) {
                        sum += acc[part * partSize + at];
                    }
                    gw[dst + rr] = sum;
                }
            }
        }
    }

    /**
     * {@code C (Cout_g x [r0, r1)) = (accumulate ? C : 0) + sum over images [n0, n1) of gradOut[n, g] · cols^T},
     * C row-major with leading dimension R at {@code c[co..]}; the shared dimension (P) in blocks of
     * at most {@link FloatGemm#KC}, images and blocks in ascending order.
     */
    private static void weightsOf(FloatMicroKernel kern, ConvGeometry q, int[] taps, float[] x, int xo, float[] gout,
            int go,
            int g, int r0, int r1, int n0, int n1, float[] c, int co, boolean accumulate) {
        int r = q.r();
        int p = q.p();
        int cog = q.coutPerGroup();
        int mr = kern.mr;
        int nr = kern.nr;
        int rw = r1 - r0;
        int pBlocks = ceilDiv(p, KC);
        int maxKc = ceilDiv(p, pBlocks);
        float[] ap = Workspace.floats(Workspace.TASK_A, ceilDiv(cog, mr) * mr * maxKc);
        float[] bp = Workspace.floats(Workspace.TASK_B, ceilDiv(rw, nr) * nr * maxKc);
        int image = q.c() * q.h() * q.w();
        boolean acc = accumulate;
        for (int n = n0; n < n1; n++) {
            for (int pb = 0; pb < pBlocks; pb++) {
                int p0 = Parallel.start(p, pBlocks, pb);
                int kc = Parallel.start(p, pBlocks, pb + 1) - p0;
                // A = gradOut[n, g] (Cout_g x P), columns [p0, p0 + kc)
                FloatGemm.packA(mr, cog, kc, gout, go + (n * q.cout() + g * cog) * p + p0, p, 1, ap, 0);
                packRows(q, taps, x, xo + n * image, g, r0, rw, p0, kc, nr, bp, 0);
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
     * The im2col index table of a convolution: for kernel tap {@code t = ky * kW + kx} and output
     * position {@code p = oy * outW + ox}, entry {@code t * P + p} is the offset {@code iy * W + ix} of the
     * input pixel it reads within one channel plane, or -1 where it falls in the padding. It depends
     * on the geometry alone; every im2col row of every channel and image uses it.
     */
    static int[] taps(ConvGeometry q) {
        ConvSpec s = q.spec();
        int p = q.p();
        int[] taps = new int[q.kh() * q.kw() * p];
        for (int ky = 0; ky < q.kh(); ky++) {
            for (int kx = 0; kx < q.kw(); kx++) {
                int base = (ky * q.kw() + kx) * p;
                for (int oy = 0; oy < q.oh(); oy++) {
                    int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                    for (int ox = 0; ox < q.ow(); ox++) {
                        int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                        boolean inside = iy >= 0 && iy < q.h() && ix >= 0 && ix < q.w();
                        taps[base + oy * q.ow() + ox] = inside ? iy * q.w() + ix : -1;
                    }
                }
            }
        }
        return taps;
    }

    /**
     * Packs rows {@code [r0, r0 + kc)} and columns {@code [p0, p0 + pw)} of the im2col matrix of group
     * {@code g} of the image at {@code x[xo..]} as B panels of width {@code nr}: element {@code (r, col)}
     * at {@code dst[d0 + ((col - p0) / nr) * kc * nr + (r - r0) * nr + (col - p0) % nr]}; columns past
     * {@code pw} in the last panel are zero.
     */
    static void packCols(ConvGeometry q, int[] taps, float[] x, int xo, int g, int r0, int kc, int p0, int pw,
            int nr, float[] dst, int d0) {
        int p = q.p();
        int kk = q.kh() * q.kw();
        int planeSize = q.h() * q.w();
        int panels = ceilDiv(pw, nr);
        int panelSize = kc * nr;
        for (int r = r0; r < r0 + kc; r++) {
            int plane = xo + (r / kk + g * q.cinPerGroup()) * planeSize;
            int tb = r % kk * p + p0;
            int rowBase = d0 + (r - r0) * nr;
            for (int pq = 0; pq < panels; pq++) {
                int d = rowBase + pq * panelSize;
                int t0 = tb + pq * nr;
                int count = Math.min(nr, pw - pq * nr);
                for (int j = 0; j < count; j++) {
                    int t = taps[t0 + j];
                    dst[d + j] = t >= 0 ? x[plane + t] : 0;
                }
                for (int j = count; j < nr; j++) {
                    dst[d + j] = 0;
                }
            }
        }
    }

    /**
     * Packs the transposed im2col matrix: rows {@code [p0, p0 + kc)} (output positions) and columns
     * {@code [r0, r0 + rw)} (rows of the im2col matrix) as B panels of width {@code nr}: element
     * {@code (col, r)} at {@code dst[d0 + ((r - r0) / nr) * kc * nr + (col - p0) * nr + (r - r0) % nr]};
     * columns past {@code rw} in the last panel are zero. Written a panel row at a time, so the stores
     * are contiguous.
     */
    static void packRows(ConvGeometry q, int[] taps, float[] x, int xo, int g, int r0, int rw, int p0, int kc,
            int nr, float[] dst, int d0) {
        int p = q.p();
        int kk = q.kh() * q.kw();
        int planeSize = q.h() * q.w();
        int panels = ceilDiv(rw, nr);
        int[] planes = new int[rw];
        int[] tapRows = new int[rw];
        for (int j = 0; j < rw; j++) {
            int r = r0 + j;
            planes[j] = xo + (r / kk + g * q.cinPerGroup()) * planeSize;
            tapRows[j] = r % kk * p + p0;
        }
        for (int pq = 0; pq < panels; pq++) {
            int j0 = pq * nr;
            int count = Math.min(nr, rw - j0);
            int d = d0 + pq * kc * nr;
            for (int k = 0; k < kc; k++, d += nr) {
                for (int j = 0; j < count; j++) {
                    int t = taps[tapRows[j0 + j] + k];
                    dst[d + j] = t >= 0 ? x[planes[j0 + j] + t] : 0;
                }
                for (int j = count; j < nr; j++) {
                    dst[d + j] = 0;
                }
            }
        }
    }

    /**
     * Adds columns {@code [p0, p0 + pw)} of the im2col matrix of group {@code g} (row {@code r}, column
     * {@code col} at {@code cols[r * ld + col - c0]}) back into the image {@code gx[xo..]}, rows in
     * ascending order.
     */
    static void col2im(ConvGeometry q, int[] taps, float[] cols, int ld, float[] gx, int xo, int g, int p0, int pw,
            int c0) {
        int p = q.p();
        int kk = q.kh() * q.kw();
        int planeSize = q.h() * q.w();
        for (int r = 0; r < q.r(); r++) {
            int plane = xo + (r / kk + g * q.cinPerGroup()) * planeSize;
            int tb = r % kk * p + p0;
            int row = r * ld + p0 - c0;
            for (int j = 0; j < pw; j++) {
                int t = taps[tb + j];
                if (t >= 0) {
                    gx[plane + t] += cols[row + j];
                }
            }
        }
    }
}

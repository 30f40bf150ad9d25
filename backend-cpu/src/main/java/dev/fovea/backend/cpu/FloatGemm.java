package dev.fovea.backend.cpu;

import java.util.Arrays;

/**
 * Matrix product of float arrays in the manner of BLIS/GotoBLAS: {@code C = (accumulate ? C : 0) + A·B}
 * for strided A and B (any transposes) and row-major C.
 *
 * <ul>
 *   <li>The columns of C are walked in blocks of {@link #NC}, the shared dimension in blocks of at
 *       most {@link #KC} (split evenly), and the rows in blocks of {@link #MC}.</li>
 *   <li>For each {@code (NC, KC)} block, B is packed once into {@code KC x NR} panels (kept in L1
 *       while a micro-kernel sweeps down A) shared by every task; each task packs its own
 *       {@code MC x KC} block of A into {@code MR x KC} panels (kept in L2).</li>
 *   <li>The {@link FloatMicroKernel} holds an {@code MR x NR} tile of C in registers.</li>
 *   <li>Tasks own disjoint rectangles of C (rows in multiples of MR, columns in multiples of NR), and
 *       the block sizes never depend on the number of threads, so every element of C is the same
 *       sum in the same order whatever the thread count: parallel results equal serial ones bit for
 *       bit.</li>
 * </ul>
 * Edit only the 64-bit file of each pair (its name starts with D): the 32-bit twin is generated
 * from it by {@code backend-cpu/generate-float-kernels.sh}, and {@code GeneratedSourcesTest} fails when
 * they drift apart.
 */
final class FloatGemm {
    /** Depth of a packed block (the shared dimension); a B micro-panel of KC x NR fits L1. */
    static final int KC = 256;
    /** Rows of a packed block of A (a multiple of every MR used): MC x KC fits L2. */
    static final int MC = 192;
    /** Columns of a packed panel of B. */
    static final int NC = 4096;

    private FloatGemm() {}

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * {@code C[0:m, 0:n] = (accumulate ? C : 0) + A·B} where {@code A(i, k) = a[ao + i*sai + k*sak]},
     * {@code B(k, j) = b[bo + k*sbk + j*sbn]} and {@code C(i, j) = c[co + i*ldc + j]}.
     */
    static void gemm(FloatMicroKernel kern, Parallel par, int m, int n, int k, float[] a, int ao, int sai,
            int sak, float[] b, int bo, int sbk, int sbn, float[] c, int co, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, co + i * ldc, co + i * ldc + n, 0);
                }
            }
            return;
        }
        int mr = kern.mr;
        int nr = kern.nr;
        int kBlocks = ceilDiv(k, KC);
        int mPanels = ceilDiv(m, mr);
        int want = par.threads() == 1 ? 1 : 4 * par.threads();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int nPanels = ceilDiv(nc, nr);
            int mParts = Math.min(mPanels, want);
            int nParts = Math.min(nPanels, ceilDiv(want, mParts));
            if (kBlocks > 1 && par.threads() > 1 && (long) nPanels * nr * k <= WHOLE_B) {
                wholeB(kern, par, m, nc, k, a, ao, sai, sak, b, bo + jc * sbn, sbk, sbn, c, co + jc, ldc, accumulate,
                        mParts, nParts);
                continue;
            }
            for (int kb = 0; kb < kBlocks; kb++) {
                int pc = Parallel.start(k, kBlocks, kb);
                int kc = Parallel.start(k, kBlocks, kb + 1) - pc;
                float[] bp = Workspace.floats(Workspace.GEMM_B, nPanels * kc * nr);
                int bBase = bo + pc * sbk + jc * sbn;
                int packParts = Math.min(nPanels, par.threads());
                par.run(packParts, t -> packB(nr, kc, nc, b, bBase, sbk, sbn, bp, 0,
                        Parallel.start(nPanels, packParts, t), Parallel.start(nPanels, packParts, t + 1)));
                rectangles(kern, par, m, nc, k, a, ao, sai, sak, bp, c, co + jc, ldc, accumulate, mParts, nParts, kb,
                        kb + 1, false);
            }
        }
    }

    /** Most packed B elements (all K blocks of one column block) that {@link #wholeB} handles. */
    static final int WHOLE_B = 1 << 19;

    /**
     * One column block of {@link #gemm} with a deep K and a small B (a Linear layer's forward: 64 x 3136
     * times 3136 x 128): all of B is packed in one parallel pass, then each task runs every K block of
     * its rectangle of C, instead of two fork-joins per K block (26 for K = 3136, which made two
     * threads slower than one). Same blocks, same order: the same bits as the loop in {@link #gemm}.
     */
    private static void wholeB(FloatMicroKernel kern, Parallel par, int m, int nc, int k, float[] a, int ao, int sai,
            int sak, float[] b, int bo, int sbk, int sbn, float[] c, int co, int ldc, boolean accumulate, int mParts,
            int nParts) {
        int nr = kern.nr;
        int kBlocks = ceilDiv(k, KC);
        int nPanels = ceilDiv(nc, nr);
        float[] bp = Workspace.floats(Workspace.GEMM_B, nPanels * nr * k);
        // block kb of B starts at nPanels * nr * pc (pc: its first k), packed as in gemm
        par.run(kBlocks, kb -> {
            int pc = Parallel.start(k, kBlocks, kb);
            int kc = Parallel.start(k, kBlocks, kb + 1) - pc;
            packB(nr, kc, nc, b, bo + pc * sbk, sbk, sbn, bp, nPanels * nr * pc, 0, nPanels);
        });
        rectangles(kern, par, m, nc, k, a, ao, sai, sak, bp, c, co, ldc, accumulate, mParts, nParts, 0, kBlocks,
                true);
    }

    /**
     * The multiply of one column block: tasks own {@code mParts x nParts} rectangles of C and run K
     * blocks {@code [kb0, kb1)} in order, packing their rows of A per block. B is packed in {@code bp}:
     * only block {@code kb0} at 0, or ({@code whole}) every block, block {@code kb} at
     * {@code nPanels * nr * (its first k)}.
     */
    private static void rectangles(FloatMicroKernel kern, Parallel par, int m, int nc, int k, float[] a, int ao,
            int sai, int sak, float[] bp, float[] c, int co, int ldc, boolean accumulate, int mParts, int nParts,
            int kb0, int kb1, boolean whole) {
        int mr = kern.mr;
        int nr = kern.nr;
        int mc = MC / mr * mr;
        int kBlocks = ceilDiv(k, KC);
        int mPanels = ceilDiv(m, mr);
        int nPanels = ceilDiv(nc, nr);
        par.run(mParts * nParts, t -> {
            int mp = t / nParts;
            int np = t % nParts;
            int i0 = Parallel.start(mPanels, mParts, mp) * mr;
            int i1 = Math.min(m, Parallel.start(mPanels, mParts, mp + 1) * mr);
            int q0 = Parallel.start(nPanels, nParts, np);
            int j0 = q0 * nr;
            int j1 = Math.min(nc, Parallel.start(nPanels, nParts, np + 1) * nr);
            if (i0 >= i1 || j0 >= j1) {
                return;
            }
            float[] ap = Workspace.floats(Workspace.GEMM_A, ceilDiv(Math.min(mc, i1 - i0), mr) * mr
                    * ceilDiv(k, kBlocks));
            for (int kb = kb0; kb < kb1; kb++) {
                int pc = Parallel.start(k, kBlocks, kb);
                int kc = Parallel.start(k, kBlocks, kb + 1) - pc;
                boolean acc = accumulate || kb > 0;
                int bBlock = whole ? nPanels * nr * pc : 0;
                for (int ic = i0; ic < i1; ic += mc) {
                    int rows = Math.min(mc, i1 - ic);
                    packA(mr, rows, kc, a, ao + pc * sak + ic * sai, sai, sak, ap, 0);
                    kern.macro(rows, j1 - j0, kc, ap, 0, bp, bBlock + q0 * kc * nr, c, co + ic * ldc + j0, ldc, acc);
                }
            }
        });
    }

    /**
     * Packs rows {@code [0, rows)} and {@code k in [0, kc)} of A ({@code A(i, k) = a[base + i*sai + k*sak]})
     * into {@code ceil(rows/mr)} panels at {@code dst[d0..]}: panel {@code p}, depth {@code k}, row
     * {@code i} at {@code d0 + p*kc*mr + k*mr + i}; rows past {@code rows} are zero.
     */
    static void packA(int mr, int rows, int kc, float[] a, int base, int sai, int sak, float[] dst, int d0) {
        for (int i0 = 0, d = d0; i0 < rows; i0 += mr, d += kc * mr) {
            int mw = Math.min(mr, rows - i0);
            if (sai == 1) {
                for (int kk = 0, s = base + i0, dd = d; kk < kc; kk++, s += sak, dd += mr) {
                    for (int i = 0; i < mw; i++) {
                        dst[dd + i] = a[s + i];
                    }
                    for (int i = mw; i < mr; i++) {
                        dst[dd + i] = 0;
                    }
                }
            } else if (sak == 1 && mw == mr) {
                // rows are contiguous: read them side by side, write each panel row in one go
                int s0 = base + i0 * sai;
                for (int kk = 0, dd = d; kk < kc; kk++, dd += mr) {
                    for (int i = 0, s = s0 + kk; i < mr; i++, s += sai) {
                        dst[dd + i] = a[s];
                    }
                }
            } else {
                for (int i = 0; i < mw; i++) {
                    for (int kk = 0, s = base + (i0 + i) * sai, dd = d + i; kk < kc; kk++, s += sak, dd += mr) {
                        dst[dd] = a[s];
                    }
                }
                for (int i = mw; i < mr; i++) {
                    for (int kk = 0, dd = d + i; kk < kc; kk++, dd += mr) {
                        dst[dd] = 0;
                    }
                }
            }
        }
    }

    /**
     * Packs panels {@code [q0, q1)} of B ({@code B(k, j) = b[base + k*sbk + j*sbn]}, {@code j < cols},
     * {@code k < kc}) at {@code dst[d0..]}: panel {@code q}, depth {@code k}, column {@code j} at
     * {@code d0 + q*kc*nr + k*nr + j}; columns past {@code cols} are zero.
     */
    static void packB(int nr, int kc, int cols, float[] b, int base, int sbk, int sbn, float[] dst, int d0,
            int q0, int q1) {
        for (int q = q0; q < q1; q++) {
            int j0 = q * nr;
            int nw = Math.min(nr, cols - j0);
            int d = d0 + q * kc * nr;
            if (sbn == 1) {
                for (int kk = 0, s = base + j0, dd = d; kk < kc; kk++, s += sbk, dd += nr) {
                    System.arraycopy(b, s, dst, dd, nw);
                    if (nw < nr) {
                        Arrays.fill(dst, dd + nw, dd + nr, 0);
                    }
                }
            } else {
                for (int j = 0; j < nw; j++) {
                    for (int kk = 0, s = base + (j0 + j) * sbn, dd = d + j; kk < kc; kk++, s += sbk, dd += nr) {
                        dst[dd] = b[s];
                    }
                }
                for (int j = nw; j < nr; j++) {
                    for (int kk = 0, dd = d + j; kk < kc; kk++, dd += nr) {
                        dst[dd] = 0;
                    }
                }
            }
        }
    }
}

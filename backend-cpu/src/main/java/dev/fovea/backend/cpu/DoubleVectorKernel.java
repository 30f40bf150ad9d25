package dev.fovea.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel for double arrays written with the Vector API: the C tile is {@code MR} rows by two
 * vectors of the preferred species, held in {@code 2 * MR} vector registers and updated with one
 * fused multiply-add per vector per {@code k}. {@code MR} is 12 on 512-bit vectors (AVX-512 has 32
 * registers: 24 accumulators, 2 B vectors, 1 broadcast) and 6 on narrower ones (AVX2's 16 registers).
 * On 512-bit vectors, edge tiles of at most 4 or 8 rows and of at most one vector of columns use
 * smaller variants of the same loop, so that channel counts like 32, 64 and 128 (not multiples of
 * 12) waste no multiplies. Every variant sums over {@code k} in the same order: results do not
 * depend on which one computes a tile.
 *
 * <p>{@link #tileRows} reads B rows through an offset table (the implicit im2col of a
 * convolution, see {@link DoubleConv}).
 *
 * <p>The tile methods are straight-line code, one method each (the JIT keeps vectors in registers
 * only when nothing is passed to a helper method), and they only store their tile: accumulating
 * calls go through a scratch tile (see {@link #scratch}). They repeat one pattern on purpose; change
 * them all alike. Loaded only when {@code jdk.incubator.vector} is present (see {@link Simd}).
 */
final class DoubleVectorKernel extends DoubleMicroKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    DoubleVectorKernel() {
        super(WIDE ? 12 : 6, 2 * L);
    }

    @Override
    String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit, " + mr + "x" + nr + " tile";
    }

    @Override
    void tile(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co, int ldc,
            boolean accumulate) {
        tilePart(mr, nr, kc, a, ao, b, bo, ldb, c, co, ldc, accumulate);
    }

    @Override
    int partialRows(int rows) {
        return !WIDE ? mr : rows <= 4 ? 4 : rows <= 8 ? 8 : 12;
    }

    @Override
    int partialCols(int cols) {
        return !WIDE ? nr : cols <= L ? L : nr;
    }

    @Override
    void tilePart(int rows, int cols, int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc, boolean accumulate) {
        int tileRows = !WIDE ? mr : rows <= 4 ? 4 : rows <= 8 ? 8 : 12;
        int tileCols = !WIDE || cols > L ? nr : L;
        double[] t = accumulate ? scratch() : c;
        int to = accumulate ? 0 : co;
        int ldt = accumulate ? tileCols : ldc;
        if (!WIDE) {
            tile6x2(kc, a, ao, b, bo, ldb, t, to, ldt);
        } else if (tileCols == L) {
            switch (tileRows) {
                case 4 -> tile4x1(kc, a, ao, b, bo, ldb, t, to, ldt);
                case 8 -> tile8x1(kc, a, ao, b, bo, ldb, t, to, ldt);
                default -> tile12x1(kc, a, ao, b, bo, ldb, t, to, ldt);
            }
        } else {
            switch (tileRows) {
                case 4 -> tile4x2(kc, a, ao, b, bo, ldb, t, to, ldt);
                case 8 -> tile8x2(kc, a, ao, b, bo, ldb, t, to, ldt);
                default -> tile12x2(kc, a, ao, b, bo, ldb, t, to, ldt);
            }
        }
        if (accumulate) {
            addTile(tileRows, tileCols, t, c, co, ldc);
        }
    }

    /**
     * This thread's tile for accumulating calls. The tile methods only store: an epilogue that also
     * loads and adds C doubled their size, and C2 then gave up intrinsifying some of their stores
     * (seen with -XX:+PrintInlining: "failed to inline (intrinsic)"), which ran the Vector API's slow
     * Java fallback. Accumulating calls compute into this tile and {@link #addTile} adds it to C:
     * the same sum, {@code tile + C}, as before, bit for bit.
     */
    private static double[] scratch() {
        return Workspace.doubles(Workspace.TILE, 12 * 2 * L);
    }

    /** {@code C[0:rows, 0:cols] = t + C} for a tile {@code t} with leading dimension {@code cols}. */
    private static void addTile(int rows, int cols, double[] t, double[] c, int co, int ldc) {
        for (int r = 0; r < rows; r++) {
            int cr = co + r * ldc;
            int tr = r * cols;
            for (int j = 0; j < cols; j += L) {
                DoubleVector.fromArray(S, t, tr + j).add(DoubleVector.fromArray(S, c, cr + j)).intoArray(c, cr + j);
            }
        }
    }

    private static void tile12x2(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        DoubleVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0, c8_0 = c0_0, c8_1 = c0_0, c9_0 = c0_0;
        DoubleVector c9_1 = c0_0, c10_0 = c0_0, c10_1 = c0_0, c11_0 = c0_0, c11_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
            x = DoubleVector.broadcast(S, a[ai + 8]);
            c8_0 = x.fma(b0, c8_0);
            c8_1 = x.fma(b1, c8_1);
            x = DoubleVector.broadcast(S, a[ai + 9]);
            c9_0 = x.fma(b0, c9_0);
            c9_1 = x.fma(b1, c9_1);
            x = DoubleVector.broadcast(S, a[ai + 10]);
            c10_0 = x.fma(b0, c10_0);
            c10_1 = x.fma(b1, c10_1);
            x = DoubleVector.broadcast(S, a[ai + 11]);
            c11_0 = x.fma(b0, c11_0);
            c11_1 = x.fma(b1, c11_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        c6_1.intoArray(c, r6 + L);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        c7_1.intoArray(c, r7 + L);
        int r8 = co + 8 * ldc;
        c8_0.intoArray(c, r8);
        c8_1.intoArray(c, r8 + L);
        int r9 = co + 9 * ldc;
        c9_0.intoArray(c, r9);
        c9_1.intoArray(c, r9 + L);
        int r10 = co + 10 * ldc;
        c10_0.intoArray(c, r10);
        c10_1.intoArray(c, r10 + L);
        int r11 = co + 11 * ldc;
        c11_0.intoArray(c, r11);
        c11_1.intoArray(c, r11 + L);
    }

    private static void tile8x2(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        DoubleVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        c6_1.intoArray(c, r6 + L);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        c7_1.intoArray(c, r7 + L);
    }

    private static void tile4x2(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
    }

    private static void tile12x1(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0, c2_0 = c0_0, c3_0 = c0_0, c4_0 = c0_0, c5_0 = c0_0, c6_0 = c0_0;
        DoubleVector c7_0 = c0_0, c8_0 = c0_0, c9_0 = c0_0, c10_0 = c0_0, c11_0 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            x = DoubleVector.broadcast(S, a[ai + 8]);
            c8_0 = x.fma(b0, c8_0);
            x = DoubleVector.broadcast(S, a[ai + 9]);
            c9_0 = x.fma(b0, c9_0);
            x = DoubleVector.broadcast(S, a[ai + 10]);
            c10_0 = x.fma(b0, c10_0);
            x = DoubleVector.broadcast(S, a[ai + 11]);
            c11_0 = x.fma(b0, c11_0);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        int r8 = co + 8 * ldc;
        c8_0.intoArray(c, r8);
        int r9 = co + 9 * ldc;
        c9_0.intoArray(c, r9);
        int r10 = co + 10 * ldc;
        c10_0.intoArray(c, r10);
        int r11 = co + 11 * ldc;
        c11_0.intoArray(c, r11);
    }

    private static void tile8x1(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0, c2_0 = c0_0, c3_0 = c0_0, c4_0 = c0_0, c5_0 = c0_0, c6_0 = c0_0;
        DoubleVector c7_0 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
    }

    private static void tile4x1(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c1_0 = c0_0, c2_0 = c0_0, c3_0 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
    }

    private static void tile6x2(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co,
            int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 6, bi += ldb) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
    }

    @Override
    void tileRows(int rows, int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, double[] c, int co,
            int ldc, boolean accumulate) {
        tileRowsSplit(rows, kc, a, ao, b, off, oo, bj, L, c, co, ldc, accumulate);
    }

    @Override
    int halfWidth() {
        return L;
    }

    @Override
    void tileRowsSplit(int rows, int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, int d, double[] c,
            int co, int ldc, boolean accumulate) {
        int tileRows = !WIDE ? mr : rows <= 4 ? 4 : rows <= 8 ? 8 : 12;
        double[] t = accumulate ? scratch() : c;
        int to = accumulate ? 0 : co;
        int ldt = accumulate ? nr : ldc;
        if (!WIDE) {
            rows6(kc, a, ao, b, off, oo, bj, d, t, to, ldt);
        } else {
            switch (tileRows) {
                case 4 -> rows4(kc, a, ao, b, off, oo, bj, d, t, to, ldt);
                case 8 -> rows8(kc, a, ao, b, off, oo, bj, d, t, to, ldt);
                default -> rows12(kc, a, ao, b, off, oo, bj, d, t, to, ldt);
            }
        }
        if (accumulate) {
            addTile(tileRows, nr, t, c, co, ldc);
        }
    }

    private static void rows12(int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, int d, double[] c,
            int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        DoubleVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0, c8_0 = c0_0, c8_1 = c0_0, c9_0 = c0_0;
        DoubleVector c9_1 = c0_0, c10_0 = c0_0, c10_1 = c0_0, c11_0 = c0_0, c11_1 = c0_0;
        for (int k = 0, ai = ao; k < kc; k++, ai += 12) {
            int bi = off[oo + k] + bj;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + d);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
            x = DoubleVector.broadcast(S, a[ai + 8]);
            c8_0 = x.fma(b0, c8_0);
            c8_1 = x.fma(b1, c8_1);
            x = DoubleVector.broadcast(S, a[ai + 9]);
            c9_0 = x.fma(b0, c9_0);
            c9_1 = x.fma(b1, c9_1);
            x = DoubleVector.broadcast(S, a[ai + 10]);
            c10_0 = x.fma(b0, c10_0);
            c10_1 = x.fma(b1, c10_1);
            x = DoubleVector.broadcast(S, a[ai + 11]);
            c11_0 = x.fma(b0, c11_0);
            c11_1 = x.fma(b1, c11_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        c6_1.intoArray(c, r6 + L);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        c7_1.intoArray(c, r7 + L);
        int r8 = co + 8 * ldc;
        c8_0.intoArray(c, r8);
        c8_1.intoArray(c, r8 + L);
        int r9 = co + 9 * ldc;
        c9_0.intoArray(c, r9);
        c9_1.intoArray(c, r9 + L);
        int r10 = co + 10 * ldc;
        c10_0.intoArray(c, r10);
        c10_1.intoArray(c, r10 + L);
        int r11 = co + 11 * ldc;
        c11_0.intoArray(c, r11);
        c11_1.intoArray(c, r11 + L);
    }

    private static void rows8(int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, int d, double[] c,
            int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        DoubleVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
        for (int k = 0, ai = ao; k < kc; k++, ai += 12) {
            int bi = off[oo + k] + bj;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + d);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = DoubleVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = DoubleVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        c6_1.intoArray(c, r6 + L);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        c7_1.intoArray(c, r7 + L);
    }

    private static void rows4(int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, int d, double[] c,
            int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0;
        for (int k = 0, ai = ao; k < kc; k++, ai += 12) {
            int bi = off[oo + k] + bj;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + d);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
    }

    private static void rows6(int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, int d, double[] c,
            int co, int ldc) {
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0;
        for (int k = 0, ai = ao; k < kc; k++, ai += 6) {
            int bi = off[oo + k] + bj;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + d);
            DoubleVector x;
            x = DoubleVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = DoubleVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = DoubleVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = DoubleVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = DoubleVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = DoubleVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
    }

    private static final int NR = 2 * L;

    @Override
    int gatherRows() {
        return WIDE ? 8 : 6;
    }

    @Override
    void tileGather(int kc, double[] x, int[] offA, int oa, int[] pos, int pk, double[] b, int bo, double[] c, int co,
            int ldc, boolean accumulate) {
        double[] t = accumulate ? scratch() : c;
        int to = accumulate ? 0 : co;
        int ldt = accumulate ? NR : ldc;
        if (WIDE) {
            gather8(kc, x, offA, oa, pos, pk, b, bo, t, to, ldt);
        } else {
            gather6(kc, x, offA, oa, pos, pk, b, bo, t, to, ldt);
        }
        if (accumulate) {
            addTile(gatherRows(), NR, t, c, co, ldc);
        }
    }

    private static void gather8(int kc, double[] x, int[] offA, int oa, int[] pos, int pk, double[] b, int bo,
            double[] c, int co, int ldc) {
        int a0 = offA[oa + 0];
        int a1 = offA[oa + 1];
        int a2 = offA[oa + 2];
        int a3 = offA[oa + 3];
        int a4 = offA[oa + 4];
        int a5 = offA[oa + 5];
        int a6 = offA[oa + 6];
        int a7 = offA[oa + 7];
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        DoubleVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
        for (int k = 0, bi = bo; k < kc; k++, bi += NR) {
            int p = pos[pk + k];
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector v;
            v = DoubleVector.broadcast(S, x[a0 + p]);
            c0_0 = v.fma(b0, c0_0);
            c0_1 = v.fma(b1, c0_1);
            v = DoubleVector.broadcast(S, x[a1 + p]);
            c1_0 = v.fma(b0, c1_0);
            c1_1 = v.fma(b1, c1_1);
            v = DoubleVector.broadcast(S, x[a2 + p]);
            c2_0 = v.fma(b0, c2_0);
            c2_1 = v.fma(b1, c2_1);
            v = DoubleVector.broadcast(S, x[a3 + p]);
            c3_0 = v.fma(b0, c3_0);
            c3_1 = v.fma(b1, c3_1);
            v = DoubleVector.broadcast(S, x[a4 + p]);
            c4_0 = v.fma(b0, c4_0);
            c4_1 = v.fma(b1, c4_1);
            v = DoubleVector.broadcast(S, x[a5 + p]);
            c5_0 = v.fma(b0, c5_0);
            c5_1 = v.fma(b1, c5_1);
            v = DoubleVector.broadcast(S, x[a6 + p]);
            c6_0 = v.fma(b0, c6_0);
            c6_1 = v.fma(b1, c6_1);
            v = DoubleVector.broadcast(S, x[a7 + p]);
            c7_0 = v.fma(b0, c7_0);
            c7_1 = v.fma(b1, c7_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
        int r6 = co + 6 * ldc;
        c6_0.intoArray(c, r6);
        c6_1.intoArray(c, r6 + L);
        int r7 = co + 7 * ldc;
        c7_0.intoArray(c, r7);
        c7_1.intoArray(c, r7 + L);
    }

    private static void gather6(int kc, double[] x, int[] offA, int oa, int[] pos, int pk, double[] b, int bo,
            double[] c, int co, int ldc) {
        int a0 = offA[oa + 0];
        int a1 = offA[oa + 1];
        int a2 = offA[oa + 2];
        int a3 = offA[oa + 3];
        int a4 = offA[oa + 4];
        int a5 = offA[oa + 5];
        DoubleVector c0_0 = DoubleVector.zero(S);
        DoubleVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        DoubleVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0;
        for (int k = 0, bi = bo; k < kc; k++, bi += NR) {
            int p = pos[pk + k];
            DoubleVector b0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector v;
            v = DoubleVector.broadcast(S, x[a0 + p]);
            c0_0 = v.fma(b0, c0_0);
            c0_1 = v.fma(b1, c0_1);
            v = DoubleVector.broadcast(S, x[a1 + p]);
            c1_0 = v.fma(b0, c1_0);
            c1_1 = v.fma(b1, c1_1);
            v = DoubleVector.broadcast(S, x[a2 + p]);
            c2_0 = v.fma(b0, c2_0);
            c2_1 = v.fma(b1, c2_1);
            v = DoubleVector.broadcast(S, x[a3 + p]);
            c3_0 = v.fma(b0, c3_0);
            c3_1 = v.fma(b1, c3_1);
            v = DoubleVector.broadcast(S, x[a4 + p]);
            c4_0 = v.fma(b0, c4_0);
            c4_1 = v.fma(b1, c4_1);
            v = DoubleVector.broadcast(S, x[a5 + p]);
            c5_0 = v.fma(b0, c5_0);
            c5_1 = v.fma(b1, c5_1);
        }
        int r0 = co + 0 * ldc;
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + L);
        int r1 = co + 1 * ldc;
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + L);
        int r2 = co + 2 * ldc;
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + L);
        int r3 = co + 3 * ldc;
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + L);
        int r4 = co + 4 * ldc;
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + L);
        int r5 = co + 5 * ldc;
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + L);
    }
}

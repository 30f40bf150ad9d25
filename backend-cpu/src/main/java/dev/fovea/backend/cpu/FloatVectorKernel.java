package dev.fovea.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel for float arrays written with the Vector API: the C tile is {@code MR} rows by two
 * vectors of the preferred species, held in {@code 2 * MR} vector registers and updated with one
 * fused multiply-add per vector per {@code k}. {@code MR} is 12 on 512-bit vectors (AVX-512 has 32
 * registers: 24 accumulators, 2 B vectors, 1 broadcast) and 6 on narrower ones (AVX2's 16 registers).
 *
 * <p>Loaded only when {@code jdk.incubator.vector} is present (see {@link Simd}).
 */
final class FloatVectorKernel extends FloatMicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    FloatVectorKernel() {
        super(WIDE ? 12 : 6, 2 * L);
    }

    @Override
    String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit, " + mr + "x" + nr + " tile";
    }

    @Override
    void tile(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co, int ldc,
            boolean accumulate) {
        if (WIDE) {
            tile12(kc, a, ao, b, bo, ldb, c, co, ldc, accumulate);
        } else {
            tile6(kc, a, ao, b, bo, ldb, c, co, ldc, accumulate);
        }
    }

    private static void tile12(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean accumulate) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        FloatVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0;
        FloatVector c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0, c8_0 = c0_0, c8_1 = c0_0, c9_0 = c0_0;
        FloatVector c9_1 = c0_0, c10_0 = c0_0, c10_1 = c0_0, c11_0 = c0_0, c11_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 12, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
            x = FloatVector.broadcast(S, a[ai + 6]);
            c6_0 = x.fma(b0, c6_0);
            c6_1 = x.fma(b1, c6_1);
            x = FloatVector.broadcast(S, a[ai + 7]);
            c7_0 = x.fma(b0, c7_0);
            c7_1 = x.fma(b1, c7_1);
            x = FloatVector.broadcast(S, a[ai + 8]);
            c8_0 = x.fma(b0, c8_0);
            c8_1 = x.fma(b1, c8_1);
            x = FloatVector.broadcast(S, a[ai + 9]);
            c9_0 = x.fma(b0, c9_0);
            c9_1 = x.fma(b1, c9_1);
            x = FloatVector.broadcast(S, a[ai + 10]);
            c10_0 = x.fma(b0, c10_0);
            c10_1 = x.fma(b1, c10_1);
            x = FloatVector.broadcast(S, a[ai + 11]);
            c11_0 = x.fma(b0, c11_0);
            c11_1 = x.fma(b1, c11_1);
        }
        if (accumulate) {
            int r0 = co + 0 * ldc;
            c0_0.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
            c0_1.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
            int r1 = co + 1 * ldc;
            c1_0.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
            c1_1.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
            int r2 = co + 2 * ldc;
            c2_0.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
            c2_1.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
            int r3 = co + 3 * ldc;
            c3_0.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
            c3_1.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
            int r4 = co + 4 * ldc;
            c4_0.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
            c4_1.add(FloatVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
            int r5 = co + 5 * ldc;
            c5_0.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
            c5_1.add(FloatVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
            int r6 = co + 6 * ldc;
            c6_0.add(FloatVector.fromArray(S, c, r6)).intoArray(c, r6);
            c6_1.add(FloatVector.fromArray(S, c, r6 + L)).intoArray(c, r6 + L);
            int r7 = co + 7 * ldc;
            c7_0.add(FloatVector.fromArray(S, c, r7)).intoArray(c, r7);
            c7_1.add(FloatVector.fromArray(S, c, r7 + L)).intoArray(c, r7 + L);
            int r8 = co + 8 * ldc;
            c8_0.add(FloatVector.fromArray(S, c, r8)).intoArray(c, r8);
            c8_1.add(FloatVector.fromArray(S, c, r8 + L)).intoArray(c, r8 + L);
            int r9 = co + 9 * ldc;
            c9_0.add(FloatVector.fromArray(S, c, r9)).intoArray(c, r9);
            c9_1.add(FloatVector.fromArray(S, c, r9 + L)).intoArray(c, r9 + L);
            int r10 = co + 10 * ldc;
            c10_0.add(FloatVector.fromArray(S, c, r10)).intoArray(c, r10);
            c10_1.add(FloatVector.fromArray(S, c, r10 + L)).intoArray(c, r10 + L);
            int r11 = co + 11 * ldc;
            c11_0.add(FloatVector.fromArray(S, c, r11)).intoArray(c, r11);
            c11_1.add(FloatVector.fromArray(S, c, r11 + L)).intoArray(c, r11 + L);
        } else {
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
    }

    private static void tile6(int kc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co,
            int ldc, boolean accumulate) {
        FloatVector c0_0 = FloatVector.zero(S);
        FloatVector c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0;
        FloatVector c3_1 = c0_0, c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 6, bi += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ai + 0]);
            c0_0 = x.fma(b0, c0_0);
            c0_1 = x.fma(b1, c0_1);
            x = FloatVector.broadcast(S, a[ai + 1]);
            c1_0 = x.fma(b0, c1_0);
            c1_1 = x.fma(b1, c1_1);
            x = FloatVector.broadcast(S, a[ai + 2]);
            c2_0 = x.fma(b0, c2_0);
            c2_1 = x.fma(b1, c2_1);
            x = FloatVector.broadcast(S, a[ai + 3]);
            c3_0 = x.fma(b0, c3_0);
            c3_1 = x.fma(b1, c3_1);
            x = FloatVector.broadcast(S, a[ai + 4]);
            c4_0 = x.fma(b0, c4_0);
            c4_1 = x.fma(b1, c4_1);
            x = FloatVector.broadcast(S, a[ai + 5]);
            c5_0 = x.fma(b0, c5_0);
            c5_1 = x.fma(b1, c5_1);
        }
        if (accumulate) {
            int r0 = co + 0 * ldc;
            c0_0.add(FloatVector.fromArray(S, c, r0)).intoArray(c, r0);
            c0_1.add(FloatVector.fromArray(S, c, r0 + L)).intoArray(c, r0 + L);
            int r1 = co + 1 * ldc;
            c1_0.add(FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
            c1_1.add(FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
            int r2 = co + 2 * ldc;
            c2_0.add(FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
            c2_1.add(FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
            int r3 = co + 3 * ldc;
            c3_0.add(FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
            c3_1.add(FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
            int r4 = co + 4 * ldc;
            c4_0.add(FloatVector.fromArray(S, c, r4)).intoArray(c, r4);
            c4_1.add(FloatVector.fromArray(S, c, r4 + L)).intoArray(c, r4 + L);
            int r5 = co + 5 * ldc;
            c5_0.add(FloatVector.fromArray(S, c, r5)).intoArray(c, r5);
            c5_1.add(FloatVector.fromArray(S, c, r5 + L)).intoArray(c, r5 + L);
        } else {
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
}

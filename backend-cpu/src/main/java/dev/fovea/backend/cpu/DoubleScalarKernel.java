package dev.fovea.backend.cpu;

/**
 * The portable micro-kernel for double arrays, used when the Vector API is absent or switched off: a 4 x 4
 * tile of C in scalar locals. It runs on any JVM at a few GFLOP/s; the Vector API kernel is an
 * order of magnitude faster.
 */
final class DoubleScalarKernel extends DoubleMicroKernel {
    DoubleScalarKernel() {
        super(4, 4);
    }

    @Override
    String describe() {
        return "scalar, " + mr + "x" + nr + " tile";
    }

    @Override
    void tile(int kc, double[] a, int ao, double[] b, int bo, int ldb, double[] c, int co, int ldc,
            boolean accumulate) {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k = 0, ai = ao, bi = bo; k < kc; k++, ai += 4, bi += ldb) {
            double b0 = b[bi + 0], b1 = b[bi + 1], b2 = b[bi + 2], b3 = b[bi + 3];
            double a0 = a[ai + 0];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            double a1 = a[ai + 1];
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            double a2 = a[ai + 2];
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            double a3 = a[ai + 3];
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        if (accumulate) {
            int r0 = co + 0 * ldc;
            c[r0 + 0] = c00 + c[r0 + 0]; c[r0 + 1] = c01 + c[r0 + 1]; c[r0 + 2] = c02 + c[r0 + 2]; c[r0 + 3] = c03 + c[r0 + 3];
            int r1 = co + 1 * ldc;
            c[r1 + 0] = c10 + c[r1 + 0]; c[r1 + 1] = c11 + c[r1 + 1]; c[r1 + 2] = c12 + c[r1 + 2]; c[r1 + 3] = c13 + c[r1 + 3];
            int r2 = co + 2 * ldc;
            c[r2 + 0] = c20 + c[r2 + 0]; c[r2 + 1] = c21 + c[r2 + 1]; c[r2 + 2] = c22 + c[r2 + 2]; c[r2 + 3] = c23 + c[r2 + 3];
            int r3 = co + 3 * ldc;
            c[r3 + 0] = c30 + c[r3 + 0]; c[r3 + 1] = c31 + c[r3 + 1]; c[r3 + 2] = c32 + c[r3 + 2]; c[r3 + 3] = c33 + c[r3 + 3];
        } else {
            int r0 = co + 0 * ldc;
            c[r0 + 0] = c00; c[r0 + 1] = c01; c[r0 + 2] = c02; c[r0 + 3] = c03;
            int r1 = co + 1 * ldc;
            c[r1 + 0] = c10; c[r1 + 1] = c11; c[r1 + 2] = c12; c[r1 + 3] = c13;
            int r2 = co + 2 * ldc;
            c[r2 + 0] = c20; c[r2 + 1] = c21; c[r2 + 2] = c22; c[r2 + 3] = c23;
            int r3 = co + 3 * ldc;
            c[r3 + 0] = c30; c[r3 + 1] = c31; c[r3 + 2] = c32; c[r3 + 3] = c33;
        }
    }

    @Override
    void tileRows(int rows, int kc, double[] a, int ao, double[] b, int[] off, int oo, int bj, double[] c, int co,
            int ldc, boolean accumulate) {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int k = 0, ai = ao; k < kc; k++, ai += 4) {
            int bi = off[oo + k] + bj;
            double b0 = b[bi], b1 = b[bi + 1], b2 = b[bi + 2], b3 = b[bi + 3];
            double a0 = a[ai], a1 = a[ai + 1], a2 = a[ai + 2], a3 = a[ai + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        double[] t = {c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int at = co + i * ldc + j;
                c[at] = accumulate ? t[i * 4 + j] + c[at] : t[i * 4 + j];
            }
        }
    }

    @Override
    void tileGather(int kc, double[] x, int[] offA, int oa, int[] pos, int pk, double[] b, int bo, double[] c, int co,
            int ldc, boolean accumulate) {
        int a0 = offA[oa], a1 = offA[oa + 1], a2 = offA[oa + 2], a3 = offA[oa + 3];
        double[] t = new double[16];
        for (int k = 0, bi = bo; k < kc; k++, bi += 4) {
            int p = pos[pk + k];
            double[] av = {x[a0 + p], x[a1 + p], x[a2 + p], x[a3 + p]};
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    t[i * 4 + j] += av[i] * b[bi + j];
                }
            }
        }
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int at = co + i * ldc + j;
                c[at] = accumulate ? t[i * 4 + j] + c[at] : t[i * 4 + j];
            }
        }
    }
}

package dev.fovea.backend.cpu;

import dev.fovea.api.backend.ReduceOp;

/**
 * Row kernels of the reductions. Sums accumulate in double, also for FLOAT32; MAX and MIN
 * propagate NaN; argmax returns the first maximum, a NaN counting as the maximum.
 */
final class Reductions {
    private Reductions() {}

    static void accumulate(ReduceOp op, float[] x, int xi, int xs, double[] acc, int ai, int as, int n) {
        switch (op) {
            case SUM -> {
                if (as == 0 && xs == 1) {
                    acc[ai] += sumRun(x, xi, n);
                } else if (as == 0) {
                    double s = acc[ai];
                    for (int i = 0; i < n; i++, xi += xs) s += x[xi];
                    acc[ai] = s;
                } else {
                    for (int i = 0; i < n; i++, xi += xs, ai += as) acc[ai] += x[xi];
                }
            }
            case MAX -> {
                for (int i = 0; i < n; i++, xi += xs, ai += as) {
                    double v = x[xi];
                    if (v > acc[ai] || v != v) acc[ai] = v;
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++, xi += xs, ai += as) {
                    double v = x[xi];
                    if (v < acc[ai] || v != v) acc[ai] = v;
                }
            }
            default -> throw new IllegalArgumentException("reduce: unsupported op " + op);
        }
    }

    static void accumulate(ReduceOp op, double[] x, int xi, int xs, double[] acc, int ai, int as, int n) {
        switch (op) {
            case SUM -> {
                if (as == 0 && xs == 1) {
                    acc[ai] += sumRun(x, xi, n);
                } else if (as == 0) {
                    double s = acc[ai];
                    for (int i = 0; i < n; i++, xi += xs) s += x[xi];
                    acc[ai] = s;
                } else {
                    for (int i = 0; i < n; i++, xi += xs, ai += as) acc[ai] += x[xi];
                }
            }
            case MAX -> {
                for (int i = 0; i < n; i++, xi += xs, ai += as) {
                    double v = x[xi];
                    if (v > acc[ai] || v != v) acc[ai] = v;
                }
            }
            case MIN -> {
                for (int i = 0; i < n; i++, xi += xs, ai += as) {
                    double v = x[xi];
                    if (v < acc[ai] || v != v) acc[ai] = v;
                }
            }
            default -> throw new IllegalArgumentException("reduce: unsupported op " + op);
        }
    }

    static int argmax(float[] x, int xi, int stride, int length) {
        int best = 0;
        float bv = x[xi];
        if (bv != bv) {
            return 0;
        }
        for (int k = 1, i = xi + stride; k < length; k++, i += stride) {
            float v = x[i];
            if (v != v) {
                return k;
            }
            if (v > bv) {
                bv = v;
                best = k;
            }
        }
        return best;
    }

    static int argmax(double[] x, int xi, int stride, int length) {
        int best = 0;
        double bv = x[xi];
        if (bv != bv) {
            return 0;
        }
        for (int k = 1, i = xi + stride; k < length; k++, i += stride) {
            double v = x[i];
            if (v != v) {
                return k;
            }
            if (v > bv) {
                bv = v;
                best = k;
            }
        }
        return best;
    }

    static int argmax(int[] x, int xi, int stride, int length) {
        int best = 0;
        int bv = x[xi];
        for (int k = 1, i = xi + stride; k < length; k++, i += stride) {
            if (x[i] > bv) {
                bv = x[i];
                best = k;
            }
        }
        return best;
    }

    /**
     * The sum of a contiguous run in four interleaved double chains, added pairwise at the end: one
     * chain is bound by the add's latency (a bias gradient over 1.6 M activations took ~2 ms), four
     * are not. The order is fixed by the run alone, so results do not depend on threads.
     */
    static double sumRun(float[] x, int xi, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += x[xi + i];
            s1 += x[xi + i + 1];
            s2 += x[xi + i + 2];
            s3 += x[xi + i + 3];
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; i < n; i++) {
            s += x[xi + i];
        }
        return s;
    }

    /** {@link #sumRun(float[], int, int)} for doubles. */
    static double sumRun(double[] x, int xi, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += x[xi + i];
            s1 += x[xi + i + 1];
            s2 += x[xi + i + 2];
            s3 += x[xi + i + 3];
        }
        double s = (s0 + s1) + (s2 + s3);
        for (; i < n; i++) {
            s += x[xi + i];
        }
        return s;
    }
}

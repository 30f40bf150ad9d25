package dev.fovea.backend.cpu;

import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.UnaryOp;

/**
 * Row kernels of the elementwise ops: each handles one row of {@code n} elements at a start
 * offset and stride per operand, switching on the op once outside its loop. FLOAT32
 * transcendental functions are evaluated in double and rounded once.
 */
final class Elementwise {
    private Elementwise() {}

    // ---- unary ----------------------------------------------------------------------------------

    static void unary(UnaryOp op, double[] x, int xi, int xs, double[] y, int yi, int ys, int n) {
        switch (op) {
            case IDENTITY -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
            }
            case NEG -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = -x[xi];
            }
            case ABS -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.abs(x[xi]);
            }
            case SIGN -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.signum(x[xi]);
            }
            case EXP -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.exp(x[xi]);
            }
            case LOG -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.log(x[xi]);
            }
            case SQRT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.sqrt(x[xi]);
            }
            case RECIPROCAL -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = 1.0 / x[xi];
            }
            case SQUARE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) {
                    double v = x[xi];
                    y[yi] = v * v;
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) {
                    double v = x[xi];
                    y[yi] = v > 0 ? v : (v != v ? v : 0.0);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = MathFunctions.sigmoid(x[xi]);
            }
            case TANH -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.tanh(x[xi]);
            }
            case SIN -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.sin(x[xi]);
            }
            case COS -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.cos(x[xi]);
            }
            case ERF -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = MathFunctions.erf(x[xi]);
            }
            default -> throw new IllegalArgumentException("unary: unsupported op " + op);
        }
    }

    static void unary(UnaryOp op, float[] x, int xi, int xs, float[] y, int yi, int ys, int n) {
        switch (op) {
            case IDENTITY -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
            }
            case NEG -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = -x[xi];
            }
            case ABS -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.abs(x[xi]);
            }
            case SIGN -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = Math.signum(x[xi]);
            }
            case EXP -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.exp(x[xi]);
            }
            case LOG -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.log(x[xi]);
            }
            case SQRT -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.sqrt(x[xi]);
            }
            case RECIPROCAL -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = 1.0f / x[xi];
            }
            case SQUARE -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) {
                    float v = x[xi];
                    y[yi] = v * v;
                }
            }
            case RELU -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) {
                    float v = x[xi];
                    y[yi] = v > 0 ? v : (v != v ? v : 0.0f);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) MathFunctions.sigmoid(x[xi]);
            }
            case TANH -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.tanh(x[xi]);
            }
            case SIN -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.sin(x[xi]);
            }
            case COS -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) Math.cos(x[xi]);
            }
            case ERF -> {
                for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) MathFunctions.erf(x[xi]);
            }
            default -> throw new IllegalArgumentException("unary: unsupported op " + op);
        }
    }

    // ---- conversions (IDENTITY across dtypes) ---------------------------------------------------

    static void copy(int[] x, int xi, int xs, int[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
    }

    static void convert(float[] x, int xi, int xs, double[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
    }

    static void convert(double[] x, int xi, int xs, float[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (float) x[xi];
    }

    static void convert(int[] x, int xi, int xs, float[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
    }

    static void convert(int[] x, int xi, int xs, double[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = x[xi];
    }

    static void convert(float[] x, int xi, int xs, int[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (int) x[xi];
    }

    static void convert(double[] x, int xi, int xs, int[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, xi += xs, yi += ys) y[yi] = (int) x[xi];
    }

    // ---- binary ---------------------------------------------------------------------------------

    static void binary(BinaryOp op, double[] a, int ai, int as, double[] b, int bi, int bs,
            double[] y, int yi, int ys, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] + b[bi];
            }
            case SUB -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] - b[bi];
            }
            case MUL -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] * b[bi];
            }
            case DIV -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] / b[bi];
            }
            case POW -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = Math.pow(a[ai], b[bi]);
            }
            case MAXIMUM -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = Math.max(a[ai], b[bi]);
            }
            case MINIMUM -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = Math.min(a[ai], b[bi]);
            }
            case EQ -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] == b[bi] ? 1 : 0;
            }
            case NE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] != b[bi] ? 1 : 0;
            }
            case LT -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] < b[bi] ? 1 : 0;
            }
            case LE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] <= b[bi] ? 1 : 0;
            }
            case GT -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] > b[bi] ? 1 : 0;
            }
            case GE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] >= b[bi] ? 1 : 0;
            }
            case RELU_BACKWARD -> {
                // a where b > 0, else +0 (a NaN or infinite a included; a NaN b is not > 0)
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = b[bi] > 0 ? a[ai] : 0.0;
            }
            default -> throw new IllegalArgumentException("binary: unsupported op " + op);
        }
    }

    static void binary(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs,
            float[] y, int yi, int ys, int n) {
        switch (op) {
            case ADD -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] + b[bi];
            }
            case SUB -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] - b[bi];
            }
            case MUL -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] * b[bi];
            }
            case DIV -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] / b[bi];
            }
            case POW -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = (float) Math.pow(a[ai], b[bi]);
            }
            case MAXIMUM -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = Math.max(a[ai], b[bi]);
            }
            case MINIMUM -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = Math.min(a[ai], b[bi]);
            }
            case EQ -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] == b[bi] ? 1 : 0;
            }
            case NE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] != b[bi] ? 1 : 0;
            }
            case LT -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] < b[bi] ? 1 : 0;
            }
            case LE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] <= b[bi] ? 1 : 0;
            }
            case GT -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] > b[bi] ? 1 : 0;
            }
            case GE -> {
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = a[ai] >= b[bi] ? 1 : 0;
            }
            case RELU_BACKWARD -> {
                // a where b > 0, else +0 (a NaN or infinite a included; a NaN b is not > 0)
                for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = b[bi] > 0 ? a[ai] : 0.0f;
            }
            default -> throw new IllegalArgumentException("binary: unsupported op " + op);
        }
    }

    // ---- where ----------------------------------------------------------------------------------

    /** Reads one row of a condition operand of any dtype into {@code mask}. */
    static void mask(CpuBuffer cond, int ci, int cs, boolean[] mask, int n) {
        switch (cond.dtype()) {
            case FLOAT32 -> {
                float[] c = cond.floats();
                for (int i = 0; i < n; i++, ci += cs) mask[i] = c[ci] != 0;
            }
            case FLOAT64 -> {
                double[] c = cond.doubles();
                for (int i = 0; i < n; i++, ci += cs) mask[i] = c[ci] != 0;
            }
            default -> {
                int[] c = cond.ints();
                for (int i = 0; i < n; i++, ci += cs) mask[i] = c[ci] != 0;
            }
        }
    }

    static void select(boolean[] mask, float[] a, int ai, int as, float[] b, int bi, int bs,
            float[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = mask[i] ? a[ai] : b[bi];
    }

    static void select(boolean[] mask, double[] a, int ai, int as, double[] b, int bi, int bs,
            double[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = mask[i] ? a[ai] : b[bi];
    }

    static void select(boolean[] mask, int[] a, int ai, int as, int[] b, int bi, int bs,
            int[] y, int yi, int ys, int n) {
        for (int i = 0; i < n; i++, ai += as, bi += bs, yi += ys) y[yi] = mask[i] ? a[ai] : b[bi];
    }
}

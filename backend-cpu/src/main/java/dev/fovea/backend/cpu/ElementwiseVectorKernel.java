package dev.fovea.backend.cpu;

import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SimdElementwise} with the Vector API: one loop per op and layout (the JIT needs the
 * operation to be a constant to compile it to vector instructions), the tail in scalar code with
 * the same expression. Generated code: keep every op's vector and scalar forms equivalent
 * (RELU is {@code max(v, 0)}, which keeps NaN and turns -0 into +0 like the scalar rule;
 * RELU_BACKWARD blends a into +0 under the mask {@code b > 0}, false for a NaN b).
 * Loaded only when {@code jdk.incubator.vector} is present (see {@link Simd}).
 */
final class ElementwiseVectorKernel extends SimdElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ZERO = FloatVector.zero(S);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    @Override
    boolean unary(UnaryOp op, float[] x, int xi, float[] y, int yi, int n) {
        switch (op) {
            case IDENTITY -> System.arraycopy(x, xi, y, yi, n);
            case NEG -> neg(x, xi, y, yi, n);
            case ABS -> abs(x, xi, y, yi, n);
            case SQUARE -> square(x, xi, y, yi, n);
            case RELU -> relu(x, xi, y, yi, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    boolean binary(BinaryOp op, float[] a, int ai, int as, float[] b, int bi, int bs, float[] y, int yi, int n) {
        if (as < 0 || as > 1 || bs < 0 || bs > 1 || as + bs == 0) {
            return false;
        }
        int layout = as * 2 + bs; // 3: both rows, 2: b broadcast, 1: a broadcast
        switch (op) {
            case ADD -> add(layout, a, ai, b, bi, y, yi, n);
            case SUB -> sub(layout, a, ai, b, bi, y, yi, n);
            case MUL -> mul(layout, a, ai, b, bi, y, yi, n);
            case DIV -> div(layout, a, ai, b, bi, y, yi, n);
            case MAXIMUM -> maximum(layout, a, ai, b, bi, y, yi, n);
            case MINIMUM -> minimum(layout, a, ai, b, bi, y, yi, n);
            case EQ -> eq(layout, a, ai, b, bi, y, yi, n);
            case NE -> ne(layout, a, ai, b, bi, y, yi, n);
            case LT -> lt(layout, a, ai, b, bi, y, yi, n);
            case LE -> le(layout, a, ai, b, bi, y, yi, n);
            case GT -> gt(layout, a, ai, b, bi, y, yi, n);
            case GE -> ge(layout, a, ai, b, bi, y, yi, n);
            case RELU_BACKWARD -> reluBackward(layout, a, ai, b, bi, y, yi, n);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void neg(float[] x, int xi, float[] y, int yi, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector vx = FloatVector.fromArray(S, x, xi + i);
            vx.neg().intoArray(y, yi + i);
        }
        for (; i < n; i++) {
            float v = x[xi + i];
            y[yi + i] = -v;
        }
    }

    private static void abs(float[] x, int xi, float[] y, int yi, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector vx = FloatVector.fromArray(S, x, xi + i);
            vx.abs().intoArray(y, yi + i);
        }
        for (; i < n; i++) {
            float v = x[xi + i];
            y[yi + i] = Math.abs(v);
        }
    }

    private static void square(float[] x, int xi, float[] y, int yi, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector vx = FloatVector.fromArray(S, x, xi + i);
            vx.mul(vx).intoArray(y, yi + i);
        }
        for (; i < n; i++) {
            float v = x[xi + i];
            y[yi + i] = v * v;
        }
    }

    private static void relu(float[] x, int xi, float[] y, int yi, int n) {
        int i = 0;
        for (int upper = S.loopBound(n); i < upper; i += L) {
            FloatVector vx = FloatVector.fromArray(S, x, xi + i);
            vx.max(ZERO).intoArray(y, yi + i);
        }
        for (; i < n; i++) {
            float v = x[xi + i];
            y[yi + i] = v > 0 ? v : (v != v ? v : 0.0f);
        }
    }

    private static void add(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.add(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x + z;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.add(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x + z;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.add(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x + z;
            }
        }
    }

    private static void sub(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.sub(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x - z;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.sub(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x - z;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.sub(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x - z;
            }
        }
    }

    private static void mul(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.mul(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x * z;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.mul(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x * z;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.mul(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x * z;
            }
        }
    }

    private static void div(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.div(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x / z;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.div(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x / z;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.div(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x / z;
            }
        }
    }

    private static void maximum(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.max(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = Math.max(x, z);
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.max(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = Math.max(x, z);
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.max(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = Math.max(x, z);
            }
        }
    }

    private static void minimum(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.min(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = Math.min(x, z);
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                va.min(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = Math.min(x, z);
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                va.min(vb).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = Math.min(x, z);
            }
        }
    }

    private static void eq(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.EQ, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x == z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.EQ, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x == z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.EQ, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x == z ? 1 : 0;
            }
        }
    }

    private static void ne(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.NE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x != z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.NE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x != z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.NE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x != z ? 1 : 0;
            }
        }
    }

    private static void lt(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x < z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x < z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x < z ? 1 : 0;
            }
        }
    }

    private static void le(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x <= z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x <= z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.LE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x <= z ? 1 : 0;
            }
        }
    }

    private static void gt(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x > z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x > z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GT, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x > z ? 1 : 0;
            }
        }
    }

    private static void ge(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = x >= z ? 1 : 0;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = x >= z ? 1 : 0;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(ONE, va.compare(VectorOperators.GE, vb)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = x >= z ? 1 : 0;
            }
        }
    }

    private static void reluBackward(int layout, float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        if (layout == 3) {
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(va, vb.compare(VectorOperators.GT, ZERO)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                float z = b[bi + i];
                y[yi + i] = z > 0 ? x : 0.0f;
            }
        } else if (layout == 2) {
            float z = b[bi];
            FloatVector vb = FloatVector.broadcast(S, z);
            for (; i < upper; i += L) {
                FloatVector va = FloatVector.fromArray(S, a, ai + i);
                ZERO.blend(va, vb.compare(VectorOperators.GT, ZERO)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float x = a[ai + i];
                y[yi + i] = z > 0 ? x : 0.0f;
            }
        } else {
            float x = a[ai];
            FloatVector va = FloatVector.broadcast(S, x);
            for (; i < upper; i += L) {
                FloatVector vb = FloatVector.fromArray(S, b, bi + i);
                ZERO.blend(va, vb.compare(VectorOperators.GT, ZERO)).intoArray(y, yi + i);
            }
            for (; i < n; i++) {
                float z = b[bi + i];
                y[yi + i] = z > 0 ? x : 0.0f;
            }
        }
    }
}

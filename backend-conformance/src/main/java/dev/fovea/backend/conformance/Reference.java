package dev.fovea.backend.conformance;

import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.UnaryOp;

/**
 * Naive double-precision reference kernels, written as plainly as possible and independently of any
 * backend: nested loops over row-major arrays. Each accumulating kernel also returns, per output
 * element, the sum of the absolute values of its terms, the scale its rounding error grows with.
 */
final class Reference {
    private Reference() {}

    /** A result and, per element, the magnitude its error is measured against. */
    record Result(double[] values, double[] scale) {}

    static double unary(UnaryOp op, double x) {
        switch (op) {
            case IDENTITY:
                return x;
            case NEG:
                return -x;
            case ABS:
                return Math.abs(x);
            case SIGN:
                return Double.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : 0;
            case EXP:
                return Math.exp(x);
            case LOG:
                return Math.log(x);
            case SQRT:
                return Math.sqrt(x);
            case RECIPROCAL:
                return 1 / x;
            case SQUARE:
                return x * x;
            case RELU:
                return Double.isNaN(x) ? x : x > 0 ? x : 0;
            case SIGMOID:
                return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH:
                return Math.tanh(x);
            case SIN:
                return Math.sin(x);
            case COS:
                return Math.cos(x);
            case ERF:
                return erf(x);
            default:
                throw new AssertionError("no reference for " + op);
        }
    }

    /**
     * erf by its Maclaurin series for |x| < 2.5 and by the continued fraction of erfc beyond; about
     * 1e-14 absolute, independent of any backend's rational approximation.
     */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double result;
        if (ax < 2.5) {
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-18 * Math.abs(sum)) {
                    break;
                }
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
            double f = ax;
            for (int k = 60; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            result = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -result : result;
    }

    static double binary(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD:
                return a + b;
            case SUB:
                return a - b;
            case MUL:
                return a * b;
            case DIV:
                return a / b;
            case POW:
                return Math.pow(a, b);
            case MAXIMUM:
                return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a > b ? a : b;
            case MINIMUM:
                return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a < b ? a : b;
            case EQ:
                return a == b ? 1 : 0;
            case NE:
                return a != b ? 1 : 0;
            case LT:
                return a < b ? 1 : 0;
            case LE:
                return a <= b ? 1 : 0;
            case GT:
                return a > b ? 1 : 0;
            case GE:
                return a >= b ? 1 : 0;
            case RELU_BACKWARD:
                return b > 0 ? a : 0.0; // +0 also for a NaN or infinite a; a NaN b is not > 0
            default:
                throw new AssertionError("no reference for " + op);
        }
    }

    /** Row-major index of {@code idx} in {@code dims}. */
    static int flat(int[] idx, int[] dims) {
        int f = 0;
        for (int d = 0; d < dims.length; d++) {
            f = f * dims[d] + idx[d];
        }
        return f;
    }

    /** The multi-index of row-major position {@code flat} in {@code dims}. */
    static int[] unravel(int flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
        return idx;
    }

    static int numel(int[] dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Reduction of row-major {@code x} of {@code dims} over the axes flagged in {@code reduced}. */
    static Result reduce(ReduceOp op, double[] x, int[] dims, boolean[] reduced) {
        int[] outDims = dims.clone();
        for (int d = 0; d < dims.length; d++) {
            if (reduced[d]) {
                outDims[d] = 1;
            }
        }
        int outN = numel(outDims);
        double[] out = new double[outN];
        double[] scale = new double[outN];
        boolean[] seen = new boolean[outN];
        for (int i = 0; i < x.length; i++) {
            int[] idx = unravel(i, dims);
            for (int d = 0; d < dims.length; d++) {
                if (reduced[d]) {
                    idx[d] = 0;
                }
            }
            int o = flat(idx, outDims);
            double v = x[i];
            scale[o] += Math.abs(v);
            if (!seen[o]) {
                out[o] = v;
                seen[o] = true;
            } else if (op == ReduceOp.SUM) {
                out[o] += v;
            } else if (Double.isNaN(out[o]) || Double.isNaN(v)) {
                out[o] = Double.NaN;
            } else if (op == ReduceOp.MAX) {
                out[o] = Math.max(out[o], v);
            } else {
                out[o] = Math.min(out[o], v);
            }
        }
        return new Result(out, scale);
    }

    /** First index of the maximum along {@code axis}; NaN counts as the maximum. */
    static int[] argmax(double[] x, int[] dims, int axis) {
        int[] outDims = dims.clone();
        outDims[axis] = 1;
        int[] out = new int[numel(outDims)];
        for (int o = 0; o < out.length; o++) {
            int[] idx = unravel(o, outDims);
            int best = -1;
            double bestValue = 0;
            for (int k = 0; k < dims[axis]; k++) {
                idx[axis] = k;
                double v = x[flat(idx, dims)];
                if (best < 0) {
                    best = k;
                    bestValue = v;
                } else if (!Double.isNaN(bestValue) && (Double.isNaN(v) || v > bestValue)) {
                    best = k;
                    bestValue = v;
                }
            }
            out[o] = best;
        }
        return out;
    }

    /** {@code out[b, i, j] = sum_k a[b, i, k] * bm[b, k, j]} on row-major arrays. */
    static Result matmul(double[] a, double[] bm, int batch, int m, int k, int n) {
        double[] out = new double[batch * m * n];
        double[] scale = new double[batch * m * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = a[(b * m + i) * k + p] * bm[(b * k + p) * n + j];
                        sum += t;
                        mag += Math.abs(t);
                    }
                    out[(b * m + i) * n + j] = sum;
                    scale[(b * m + i) * n + j] = mag;
                }
            }
        }
        return new Result(out, scale);
    }

    /** Sizes of a convolution: x [n, c, h, w], w [cout, c / groups, kh, kw], out [n, cout, oh, ow]. */
    record Conv(int n, int c, int h, int w, int cout, int kh, int kw, ConvSpec spec) {
        int oh() {
            return spec.outHeight(h, kh);
        }

        int ow() {
            return spec.outWidth(w, kw);
        }

        int cinPerGroup() {
            return c / spec.groups();
        }

        int coutPerGroup() {
            return cout / spec.groups();
        }

        int xIndex(int in, int ic, int iy, int ix) {
            return ((in * c + ic) * h + iy) * w + ix;
        }

        int wIndex(int oc, int icg, int ky, int kx) {
            return ((oc * cinPerGroup() + icg) * kh + ky) * kw + kx;
        }

        int outIndex(int in, int oc, int oy, int ox) {
            return ((in * cout + oc) * oh() + oy) * ow() + ox;
        }

        int xSize() {
            return n * c * h * w;
        }

        int wSize() {
            return cout * cinPerGroup() * kh * kw;
        }

        int outSize() {
            return n * cout * oh() * ow();
        }
    }

    /** Visits every (input element, weight element, output element) triple the convolution multiplies. */
    interface ConvVisitor {
        void visit(int xIndex, int wIndex, int outIndex);
    }

    static void forEachTap(Conv q, ConvVisitor visitor) {
        ConvSpec s = q.spec();
        for (int in = 0; in < q.n(); in++) {
            for (int oc = 0; oc < q.cout(); oc++) {
                int g = oc / q.coutPerGroup();
                for (int oy = 0; oy < q.oh(); oy++) {
                    for (int ox = 0; ox < q.ow(); ox++) {
                        for (int icg = 0; icg < q.cinPerGroup(); icg++) {
                            for (int ky = 0; ky < q.kh(); ky++) {
                                for (int kx = 0; kx < q.kw(); kx++) {
                                    int iy = oy * s.strideH() - s.padTop() + ky * s.dilationH();
                                    int ix = ox * s.strideW() - s.padLeft() + kx * s.dilationW();
                                    if (iy < 0 || iy >= q.h() || ix < 0 || ix >= q.w()) {
                                        continue;
                                    }
                                    visitor.visit(q.xIndex(in, g * q.cinPerGroup() + icg, iy, ix),
                                            q.wIndex(oc, icg, ky, kx), q.outIndex(in, oc, oy, ox));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static Result conv2d(Conv q, double[] x, double[] w, double[] bias) {
        double[] out = new double[q.outSize()];
        double[] scale = new double[q.outSize()];
        for (int o = 0; o < out.length; o++) {
            int oc = (o / (q.oh() * q.ow())) % q.cout();
            out[o] = bias == null ? 0 : bias[oc];
            scale[o] = Math.abs(out[o]);
        }
        forEachTap(q, (xi, wi, oi) -> {
            out[oi] += x[xi] * w[wi];
            scale[oi] += Math.abs(x[xi] * w[wi]);
        });
        return new Result(out, scale);
    }

    static Result conv2dBackwardData(Conv q, double[] gradOut, double[] w) {
        double[] gx = new double[q.xSize()];
        double[] scale = new double[q.xSize()];
        forEachTap(q, (xi, wi, oi) -> {
            gx[xi] += gradOut[oi] * w[wi];
            scale[xi] += Math.abs(gradOut[oi] * w[wi]);
        });
        return new Result(gx, scale);
    }

    static Result conv2dBackwardWeights(Conv q, double[] x, double[] gradOut) {
        double[] gw = new double[q.wSize()];
        double[] scale = new double[q.wSize()];
        forEachTap(q, (xi, wi, oi) -> {
            gw[wi] += gradOut[oi] * x[xi];
            scale[wi] += Math.abs(gradOut[oi] * x[xi]);
        });
        return new Result(gw, scale);
    }

    /** Max or average pooling of row-major planes; padding counts as -infinity for MAX. */
    static Result pool2d(boolean max, PoolSpec s, double[] x, int planes, int h, int w) {
        int oh = s.outHeight(h);
        int ow = s.outWidth(w);
        double[] out = new double[planes * oh * ow];
        double[] scale = new double[out.length];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    double mag = 0;
                    int count = 0;
                    for (int ky = 0; ky < s.kernelH(); ky++) {
                        for (int kx = 0; kx < s.kernelW(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky;
                            int ix = ox * s.strideW() - s.padW() + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            double v = x[(p * h + iy) * w + ix];
                            best = Double.isNaN(best) || Double.isNaN(v) ? Double.NaN : Math.max(best, v);
                            sum += v;
                            mag += Math.abs(v);
                            count++;
                        }
                    }
                    int divisor = s.countIncludePad() ? s.kernelH() * s.kernelW() : count;
                    int o = (p * oh + oy) * ow + ox;
                    out[o] = max ? best : sum / divisor;
                    scale[o] = max ? Math.abs(best) : mag / divisor;
                }
            }
        }
        return new Result(out, scale);
    }

    /** Pooling gradient: MAX sends each window's gradient to its first maximum; AVG spreads it. */
    static Result pool2dBackward(boolean max, PoolSpec s, double[] x, double[] gradOut, int planes, int h, int w) {
        int oh = s.outHeight(h);
        int ow = s.outWidth(w);
        double[] gx = new double[planes * h * w];
        double[] scale = new double[gx.length];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double g = gradOut[(p * oh + oy) * ow + ox];
                    int argmax = -1;
                    double best = 0;
                    int count = 0;
                    for (int ky = 0; ky < s.kernelH(); ky++) {
                        for (int kx = 0; kx < s.kernelW(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky;
                            int ix = ox * s.strideW() - s.padW() + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            int i = (p * h + iy) * w + ix;
                            count++;
                            if (argmax < 0 || (!Double.isNaN(best) && (Double.isNaN(x[i]) || x[i] > best))) {
                                argmax = i;
                                best = x[i];
                            }
                        }
                    }
                    int divisor = s.countIncludePad() ? s.kernelH() * s.kernelW() : count;
                    for (int ky = 0; ky < s.kernelH(); ky++) {
                        for (int kx = 0; kx < s.kernelW(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky;
                            int ix = ox * s.strideW() - s.padW() + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                continue;
                            }
                            int i = (p * h + iy) * w + ix;
                            double share = max ? (i == argmax ? g : 0) : g / divisor;
                            gx[i] += share;
                            scale[i] += Math.abs(share);
                        }
                    }
                }
            }
        }
        return new Result(gx, scale);
    }
}

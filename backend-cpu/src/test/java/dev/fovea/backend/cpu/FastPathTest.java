package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.StridedView;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's fast paths (packed, blocked GEMM with the Vector API or scalar micro-kernel;
 * convolution packed straight from the image; 2x2 max pooling) against simple reference loops, with
 * sizes that cross every block boundary and leave tails, for both micro-kernels and both dtypes; and
 * the same bits for every thread count.
 */
class FastPathTest {
    private static final DeviceInfo DEVICE = new CpuBackendProvider().devices().get(0);

    private static List<CpuBackend> backends(int threads) {
        List<CpuBackend> list = new ArrayList<>();
        list.add(new CpuBackend(DEVICE, false, threads));
        if (Simd.modulePresent()) {
            list.add(new CpuBackend(DEVICE, true, threads));
        }
        return list;
    }

    @Test
    void theTestsRunTheVectorKernels() {
        // surefire adds the module (parent pom): the fast path is what this module's tests check
        assertTrue(Simd.modulePresent(), "run the tests with --add-modules jdk.incubator.vector");
        assertTrue(new CpuBackend(DEVICE, true).usesSimd());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static double[] random(SplittableRandom r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextDouble(-1, 1); // exactly representable in both dtypes
        }
        return d;
    }

    private static StridedView put(CpuBackend b, DType t, double[] data, long offset, Shape shape, long[] strides) {
        long size = offset + 1;
        for (int d = 0; d < shape.rank(); d++) {
            size += (shape.dim(d) - 1L) * strides[d];
        }
        size = Math.max(size, offset + data.length);
        DeviceBuffer buf = b.allocate(t, size);
        StridedView whole = StridedView.contiguous(buf, Shape.of((int) size));
        b.fill(whole, Double.NaN);
        StridedView v = new StridedView(buf, offset, shape, strides);
        // write element by element through a contiguous staging buffer and a strided copy
        DeviceBuffer stage = b.allocate(t, data.length);
        if (t == DType.FLOAT32) {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            b.upload(FloatBuffer.wrap(f), stage, 0);
        } else {
            b.upload(DoubleBuffer.wrap(data), stage, 0);
        }
        b.unary(dev.fovea.api.backend.UnaryOp.IDENTITY, StridedView.contiguous(stage, shape), v);
        return v;
    }

    private static StridedView dense(CpuBackend b, DType t, double[] data, Shape shape) {
        return put(b, t, data, 0, shape, shape.contiguousStrides());
    }

    private static double[] get(CpuBackend b, StridedView v) {
        DeviceBuffer stage = b.allocate(v.dtype(), v.shape().numel());
        StridedView c = StridedView.contiguous(stage, v.shape());
        b.unary(dev.fovea.api.backend.UnaryOp.IDENTITY, v, c);
        int n = Math.toIntExact(v.shape().numel());
        double[] r = new double[n];
        if (v.dtype() == DType.FLOAT32) {
            float[] f = new float[n];
            b.download(stage, 0, FloatBuffer.wrap(f));
            for (int i = 0; i < n; i++) {
                r[i] = f[i];
            }
        } else {
            b.download(stage, 0, DoubleBuffer.wrap(r));
        }
        return r;
    }

    private static StridedView empty(CpuBackend b, DType t, Shape shape) {
        StridedView v = StridedView.contiguous(b.allocate(t, shape.numel()), shape);
        b.fill(v, Double.NaN); // kernels must overwrite every element
        return v;
    }

    private static void assertNear(String what, DType t, double[] expected, double[] scale, double[] actual) {
        assertEquals(expected.length, actual.length, what);
        double tol = t == DType.FLOAT32 ? 2e-6 : 1e-13;
        for (int i = 0; i < expected.length; i++) {
            double allowed = tol * Math.max(scale[i], 1);
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                fail(what + " [" + t + "]: element " + i + " expected " + expected[i] + " but was " + actual[i]
                        + " (allowed " + allowed + ")");
            }
        }
    }

    // ---- GEMM -----------------------------------------------------------------------------------

    /** {batch, m, k, n}: tails of MR (12/6/4) and NR (32/16/8/4), k above KC (256), n above NC (4096). */
    private static final int[][] GEMM_SIZES = {
        {1, 1, 1, 1}, {2, 13, 7, 33}, {1, 37, 300, 29}, {3, 25, 19, 17}, {1, 12, 513, 32}, {1, 97, 64, 65},
        {1, 3, 5, 4100}, {1, 200, 40, 70}, {2, 1, 33, 1}, {1, 7, 1, 9},
        {1, 30, 1100, 40} // deep K, small B: all of B packed at once (a Linear layer's forward)
    };

    @Test
    void matmulMatchesTheReferenceForEveryTransposeAndTail() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (CpuBackend b : backends(2)) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[] s : GEMM_SIZES) {
                    int batch = s[0];
                    int m = s[1];
                    int k = s[2];
                    int n = s[3];
                    double[] a = random(rnd, batch * m * k);
                    double[] bm = random(rnd, batch * k * n);
                    double[] want = new double[batch * m * n];
                    double[] scale = new double[batch * m * n];
                    for (int bi = 0; bi < batch; bi++) {
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double sum = 0;
                                double abs = 0;
                                for (int kk = 0; kk < k; kk++) {
                                    double p = a[(bi * m + i) * k + kk] * bm[(bi * k + kk) * n + j];
                                    sum += p;
                                    abs += Math.abs(p);
                                }
                                want[(bi * m + i) * n + j] = sum;
                                scale[(bi * m + i) * n + j] = abs;
                            }
                        }
                    }
                    for (int variant = 0; variant < 4; variant++) {
                        boolean ta = (variant & 1) != 0;
                        boolean tb = (variant & 2) != 0;
                        // a transposed operand is stored [B, cols, rows]: the view has swapped strides
                        StridedView av = ta ? put(b, t, a, 3, Shape.of(batch, m, k),
                                new long[] {(long) m * k, 1, m}) : put(b, t, a, 1, Shape.of(batch, m, k),
                                new long[] {(long) m * k, k, 1});
                        StridedView bv = tb ? put(b, t, bm, 2, Shape.of(batch, k, n),
                                new long[] {(long) k * n, 1, k}) : put(b, t, bm, 0, Shape.of(batch, k, n),
                                new long[] {(long) k * n, n, 1});
                        StridedView out = empty(b, t, Shape.of(batch, m, n));
                        b.matmul(av, bv, out);
                        assertNear("matmul " + java.util.Arrays.toString(s) + " transA=" + ta + " transB=" + tb + " "
                                + b.kernelDescription(), t, want, scale, get(b, out));
                    }
                }
            }
        }
    }

    @Test
    void gemmAccumulatesAndWritesOnlyItsBlockOfC() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (FloatMicroKernel kern : Simd.modulePresent()
                ? List.of(new FloatScalarKernel(), VectorKernels.floats()) : List.of(new FloatMicroKernel[] {
                    new FloatScalarKernel()})) {
            int m = 29;
            int n = 45;
            int k = 270;
            int ldc = 50;
            float[] a = new float[m * k];
            float[] bm = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextDouble(-1, 1);
            }
            for (int i = 0; i < bm.length; i++) {
                bm[i] = (float) rnd.nextDouble(-1, 1);
            }
            float[] c = new float[3 + m * ldc];
            for (int i = 0; i < c.length; i++) {
                c[i] = i % 7;
            }
            float[] before = c.clone();
            FloatGemm.gemm(kern, Parallel.of(3), m, n, k, a, 0, k, 1, bm, 0, n, 1, c, 3, ldc, true);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    int at = 3 + i * ldc + j;
                    if (j >= n) {
                        assertEquals(before[at], c[at], 0f, "gemm wrote outside C at " + at);
                        continue;
                    }
                    double sum = before[at];
                    double abs = Math.abs(sum);
                    for (int kk = 0; kk < k; kk++) {
                        sum += (double) a[i * k + kk] * bm[kk * n + j];
                        abs += Math.abs((double) a[i * k + kk] * bm[kk * n + j]);
                    }
                    assertEquals(sum, c[at], 2e-6 * abs, kern.describe() + " C(" + i + ", " + j + ")");
                }
            }
            assertArrayEquals(java.util.Arrays.copyOf(before, 3), java.util.Arrays.copyOf(c, 3));
        }
    }

    // ---- convolution ----------------------------------------------------------------------------

    /** {n, c, h, w, cout, kh, kw, strideH, strideW, padT, padB, padL, padR, dilH, dilW, groups}. */
    private static final int[][] CONV_SHAPES = {
        {3, 1, 28, 28, 32, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1},    // LeNet conv1: small R, image groups
        {2, 32, 14, 14, 13, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1},   // R = 800 > KC; Cout tail
        {1, 3, 40, 23, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},     // P = 920 > CHUNK; one image
        {2, 4, 9, 11, 6, 3, 2, 2, 3, 1, 0, 2, 1, 2, 1, 2},      // strides, asymmetric padding, dilation, groups
        {5, 300, 3, 4, 7, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1},     // 1x1, K = 300 > KC
        {2, 6, 5, 5, 300, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3},     // Cout/group = 100; backward-data K blocks
        {1, 2, 6, 7, 520, 2, 2, 1, 1, 0, 1, 1, 0, 1, 1, 1},     // Cout > 2 KC for the input gradient
        {9, 2, 7, 7, 3, 7, 7, 1, 1, 3, 3, 3, 3, 1, 1, 1},       // kernel as large as the image
        // four images or more with stride 1: the implicit (padded-width) paths
        {4, 6, 9, 11, 9, 3, 2, 1, 1, 2, 0, 1, 1, 2, 1, 3},      // groups, dilation, asymmetric padding
        {4, 20, 13, 17, 70, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // Cout tail (70), R = 180
        {4, 40, 30, 25, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},    // R = 360 > KC, P = 750 > CHUNK
        {4, 5, 6, 6, 4, 2, 2, 1, 1, 2, 2, 2, 2, 1, 1, 1},       // padding beyond the kernel's reach
        {6, 3, 5, 7, 5, 1, 3, 1, 1, 0, 0, 1, 1, 1, 1, 1},       // 1x3, no vertical padding
        // outputs at most a vector wide on a wider padded grid: two output rows per tile (tileRowsSplit)
        {4, 5, 14, 14, 13, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1},    // LeNet conv2-like; its input gradient too
        {5, 4, 12, 12, 7, 3, 5, 1, 1, 1, 2, 3, 3, 2, 1, 1},     // odd output height (11), dilation
        {4, 6, 10, 10, 6, 3, 3, 1, 1, 1, 1, 4, 4, 1, 1, 2},     // groups, 16 wide
        {4, 2, 40, 12, 5, 3, 3, 1, 1, 1, 1, 3, 3, 1, 1, 1},     // 20 tiles: more than one chunk
    };

    private record Geometry(int n, int c, int h, int w, int cout, int kh, int kw, ConvSpec spec) {
        static Geometry of(int[] s) {
            return new Geometry(s[0], s[1], s[2], s[3], s[4], s[5], s[6],
                    new ConvSpec(s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15]));
        }

        int oh() {
            return spec.outHeight(h, kh);
        }

        int ow() {
            return spec.outWidth(w, kw);
        }

        int cg() {
            return c / spec.groups();
        }

        Shape x() {
            return Shape.of(n, c, h, w);
        }

        Shape wt() {
            return Shape.of(cout, cg(), kh, kw);
        }

        Shape out() {
            return Shape.of(n, cout, oh(), ow());
        }

        /** Calls {@code tap(xIndex, wIndex, outIndex)} for every multiply of the convolution. */
        void forEachTap(Tap tap) {
            int cog = cout / spec.groups();
            for (int b = 0; b < n; b++) {
                for (int co = 0; co < cout; co++) {
                    int g = co / cog;
                    for (int oy = 0; oy < oh(); oy++) {
                        for (int ox = 0; ox < ow(); ox++) {
                            int o = ((b * cout + co) * oh() + oy) * ow() + ox;
                            for (int ci = 0; ci < cg(); ci++) {
                                for (int ky = 0; ky < kh; ky++) {
                                    int iy = oy * spec.strideH() - spec.padTop() + ky * spec.dilationH();
                                    if (iy < 0 || iy >= h) {
                                        continue;
                                    }
                                    for (int kx = 0; kx < kw; kx++) {
                                        int ix = ox * spec.strideW() - spec.padLeft() + kx * spec.dilationW();
                                        if (ix < 0 || ix >= w) {
                                            continue;
                                        }
                                        tap.at((((b * c) + g * cg() + ci) * h + iy) * w + ix,
                                                ((co * cg() + ci) * kh + ky) * kw + kx, o);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private interface Tap {
        void at(int xi, int wi, int oi);
    }

    @Test
    void convolutionKernelsMatchTheReferenceAcrossBlockBoundaries() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (CpuBackend b : backends(3)) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (int[] s : CONV_SHAPES) {
                    Geometry q = Geometry.of(s);
                    String what = java.util.Arrays.toString(s) + " " + b.kernelDescription();
                    double[] x = random(rnd, (int) q.x().numel());
                    double[] w = random(rnd, (int) q.wt().numel());
                    double[] bias = random(rnd, q.cout());
                    double[] g = random(rnd, (int) q.out().numel());
                    double[] out = new double[g.length];
                    double[] outScale = new double[g.length];
                    double[] gx = new double[x.length];
                    double[] gxScale = new double[x.length];
                    double[] gw = new double[w.length];
                    double[] gwScale = new double[w.length];
                    int p = q.oh() * q.ow();
                    for (int i = 0; i < out.length; i++) {
                        out[i] = bias[i / p % q.cout()];
                        outScale[i] = Math.abs(out[i]);
                    }
                    q.forEachTap((xi, wi, oi) -> {
                        out[oi] += x[xi] * w[wi];
                        outScale[oi] += Math.abs(x[xi] * w[wi]);
                        gx[xi] += g[oi] * w[wi];
                        gxScale[xi] += Math.abs(g[oi] * w[wi]);
                        gw[wi] += x[xi] * g[oi];
                        gwScale[wi] += Math.abs(x[xi] * g[oi]);
                    });
                    StridedView xv = dense(b, t, x, q.x());
                    StridedView wv = dense(b, t, w, q.wt());
                    StridedView gv = dense(b, t, g, q.out());
                    StridedView o = empty(b, t, q.out());
                    b.conv2d(xv, wv, dense(b, t, bias, Shape.of(q.cout())), o, q.spec());
                    assertNear("conv2d " + what, t, out, outScale, get(b, o));
                    StridedView gxv = empty(b, t, q.x());
                    b.conv2dBackwardData(gv, wv, gxv, q.spec());
                    assertNear("conv2dBackwardData " + what, t, gx, gxScale, get(b, gxv));
                    StridedView gwv = empty(b, t, q.wt());
                    b.conv2dBackwardWeights(xv, gv, gwv, q.spec());
                    assertNear("conv2dBackwardWeights " + what, t, gw, gwScale, get(b, gwv));
                }
            }
        }
    }

    // ---- 2x2 max pooling ------------------------------------------------------------------------

    /** {planes, h, w}: outputs narrower than, equal to and past a vector step; odd edges; one row. */
    private static final int[][] POOL_SHAPES = {
        {3, 2, 2}, {2, 3, 3}, {2, 2, 5}, {3, 4, 7}, {2, 5, 8}, {3, 2, 9}, {2, 7, 14}, {2, 6, 15}, {3, 3, 16},
        {2, 4, 17}, {2, 28, 28}, {3, 9, 31}, {2, 5, 33}, {2, 2, 40}, {5, 14, 14}
    };

    /** Few distinct values (ties in most windows), signed zeros, infinities; NaNs (three encodings) if asked. */
    private static float poolValue(SplittableRandom r, boolean nans) {
        if (nans && r.nextInt(30) == 0) {
            return new float[] {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001)}[r.nextInt(3)];
        }
        float[] values = {-2, -1, -0f, 0f, 0f, 0.5f, 1, 1, 3, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        return r.nextInt(4) == 0 ? (float) r.nextDouble(-4, 4) : values[r.nextInt(values.length)];
    }

    /** The maximum by Math.max (NaN wins, +0 over -0), as the scalar forward gives it. */
    private static float windowMax(float v0, float v1, float v2, float v3) {
        return Math.max(Math.max(v0, v1), Math.max(v2, v3));
    }

    /** Which of the window's elements (in scan order) takes the gradient: the first NaN, else the first maximum. */
    private static int windowWinner(float... v) {
        int best = 0;
        for (int k = 1; k < 4; k++) {
            if (v[best] == v[best] && (v[k] > v[best] || v[k] != v[k])) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Reference 2x2 max pooling of {@code planes x h x w} at offset 0: fills {@code out} and
     * {@code gx} (every element: the gradient, or +0).
     */
    private static void maxPoolReference(float[] x, float[] g, int planes, int h, int w, float[] out, float[] gx) {
        int oh = h / 2;
        int ow = w / 2;
        java.util.Arrays.fill(gx, 0, planes * h * w, 0f);
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int[] at = new int[4];
                    float[] v = new float[4];
                    for (int k = 0; k < 4; k++) {
                        at[k] = (p * h + 2 * oy + k / 2) * w + 2 * ox + k % 2;
                        v[k] = x[at[k]];
                    }
                    int o = (p * oh + oy) * ow + ox;
                    out[o] = windowMax(v[0], v[1], v[2], v[3]);
                    gx[at[windowWinner(v)]] = g[o];
                }
            }
        }
    }

    @Test
    void maxPool2x2GivesTheWindowMaximumAndTheFirstMaximumItsGradient() {
        // one row pair, twelve windows: ties, signed zeros, infinities and every winning position in
        // windows 0-3 and 8-11; NaNs (which send their whole vector step to the scalar rule) in 4-7
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        double[] x = {
            1, 1, -0f, 0f, 3, 7, -3, -3, 5, 5, nan, 1, inf, -inf, 1, 2, 1, 2, -inf, -inf, -1, -0f, 2, -1,
            1, 1, 0f, -0f, 7, 2, -0f, -3, 5, nan, nan, 9, inf, inf, 3, 4, 3, 4, -inf, -inf, 0f, -5, 2, 2,
        };
        double[] g = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
        double[] wantOut = {1, 0, 7, -0f, nan, nan, inf, 4, 4, -inf, 0, 2};
        double[] wantGx = {
            10, 0, 20, 0, 0, 30, 0, 0, 0, 0, 60, 0, 70, 0, 0, 0, 0, 0, 100, 0, 0, 110, 120, 0,
            0, 0, 0, 0, 0, 0, 40, 0, 0, 50, 0, 0, 0, 0, 0, 80, 0, 90, 0, 0, 0, 0, 0, 0,
        };
        dev.fovea.api.backend.PoolSpec spec = dev.fovea.api.backend.PoolSpec.of(2, 2);
        for (CpuBackend b : backends(1)) {
            StridedView xv = dense(b, DType.FLOAT32, x, Shape.of(1, 1, 2, 24));
            StridedView out = empty(b, DType.FLOAT32, Shape.of(1, 1, 1, 12));
            b.pool2d(dev.fovea.api.backend.PoolOp.MAX, xv, out, spec);
            assertArrayEquals(wantOut, get(b, out), "pool2d " + b.kernelDescription()); // +0, not -0: bits compared
            StridedView gx = empty(b, DType.FLOAT32, Shape.of(1, 1, 2, 24));
            b.pool2dBackward(dev.fovea.api.backend.PoolOp.MAX, xv, dense(b, DType.FLOAT32, g, Shape.of(1, 1, 1, 12)), gx,
                    spec);
            assertArrayEquals(wantGx, get(b, gx), "pool2dBackward " + b.kernelDescription());
        }
    }

    @Test
    void maxPool2x2MatchesTheReferenceOnEveryShapeAndSpecialValue() {
        SplittableRandom rnd = new SplittableRandom(17);
        dev.fovea.api.backend.PoolSpec spec = dev.fovea.api.backend.PoolSpec.of(2, 2);
        for (int[] s : POOL_SHAPES) {
            for (boolean nans : new boolean[] {false, true}) {
                int planes = s[0];
                int h = s[1];
                int w = s[2];
                Shape xs = Shape.of(1, planes, h, w);
                Shape os = Shape.of(1, planes, h / 2, w / 2);
                float[] x = new float[planes * h * w];
                for (int i = 0; i < x.length; i++) {
                    x[i] = poolValue(rnd, nans);
                }
                float[] g = new float[(int) os.numel()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = i % 5 == 0 ? -0f : (float) rnd.nextDouble(-1, 1); // -0 must keep its sign
                }
                float[] out = new float[g.length];
                float[] gx = new float[x.length];
                maxPoolReference(x, g, planes, h, w, out, gx);
                for (int threads : new int[] {1, 3}) {
                    for (CpuBackend b : backends(threads)) {
                        String what = java.util.Arrays.toString(s) + (nans ? " with NaN " : " ") + b.kernelDescription();
                        StridedView xv = dense(b, DType.FLOAT32, widen(x), xs);
                        StridedView ov = empty(b, DType.FLOAT32, os);
                        b.pool2d(dev.fovea.api.backend.PoolOp.MAX, xv, ov, spec);
                        assertArrayEquals(widen(out), get(b, ov), "pool2d " + what);
                        StridedView gv = empty(b, DType.FLOAT32, xs); // NaN: every element must be written
                        b.pool2dBackward(dev.fovea.api.backend.PoolOp.MAX, xv, dense(b, DType.FLOAT32, widen(g), os), gv,
                                spec);
                        assertArrayEquals(widen(gx), get(b, gv), "pool2dBackward " + what);
                    }
                }
            }
        }
    }

    /**
     * The Vector API kernel against the scalar loops on raw arrays: offsets, a range of planes
     * (nothing outside it touched), NaN payloads, and a gradient buffer full of garbage.
     */
    @Test
    void maxPoolVectorKernelMatchesTheScalarLoopsAndWritesOnlyItsPlanes() {
        SimdPool simd = VectorKernels.pool();
        assertTrue(simd != null, "the 2x2 pooling kernel needs vectors of 4 floats or more");
        dev.fovea.api.backend.PoolSpec spec = dev.fovea.api.backend.PoolSpec.of(2, 2);
        SplittableRandom rnd = new SplittableRandom(23);
        int garbage = 0x7fbadbad; // a NaN no kernel produces
        for (int[] s : POOL_SHAPES) {
            int planes = s[0] + 2;
            int h = s[1];
            int w = s[2];
            int oh = h / 2;
            int ow = w / 2;
            int xo = 3;
            int oo = 5;
            int gxo = 2;
            float[] x = new float[xo + planes * h * w + 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = poolValue(rnd, true);
            }
            float[] g = new float[oo + planes * oh * ow + 1];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rnd.nextDouble(-1, 1);
            }
            float[][] outs = new float[2][oo + planes * oh * ow + 3];
            float[][] gxs = new float[2][gxo + planes * h * w + 6];
            for (int k = 0; k < 2; k++) {
                java.util.Arrays.fill(outs[k], Float.intBitsToFloat(garbage));
                java.util.Arrays.fill(gxs[k], Float.intBitsToFloat(garbage));
            }
            FloatKernels.pool2d(true, spec, x, xo, outs[0], oo, h, w, oh, ow, 1, planes - 1);
            simd.max2x2(x, xo, outs[1], oo, h, w, oh, ow, 1, planes - 1);
            FloatKernels.pool2dBackward(true, spec, x, xo, g, oo, gxs[0], gxo, h, w, oh, ow, 1, planes - 1);
            simd.max2x2Backward(x, xo, g, oo, gxs[1], gxo, h, w, oh, ow, 1, planes - 1);
            String what = java.util.Arrays.toString(s);
            assertArrayEquals(outs[0], outs[1], "max2x2 " + what);
            assertArrayEquals(gxs[0], gxs[1], "max2x2Backward " + what);
            for (int i = 0; i < gxs[1].length; i++) {
                boolean mine = i >= gxo + h * w && i < gxo + (planes - 1) * h * w;
                assertEquals(!mine, Float.floatToRawIntBits(gxs[1][i]) == garbage, what + " gx[" + i + "]");
            }
            for (int i = 0; i < outs[1].length; i++) {
                boolean mine = i >= oo + oh * ow && i < oo + (planes - 1) * oh * ow;
                assertEquals(!mine, Float.floatToRawIntBits(outs[1][i]) == garbage, what + " out[" + i + "]");
            }
        }
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    // ---- the same bits for every thread count ---------------------------------------------------

    @Test
    void resultsAreTheSameBitsForEveryThreadCount() {
        SplittableRandom rnd = new SplittableRandom(5);
        double[] a = random(rnd, 2 * 150 * 333);
        double[] bm = random(rnd, 2 * 333 * 170);
        int[][] convs = {CONV_SHAPES[0], CONV_SHAPES[1], CONV_SHAPES[2], CONV_SHAPES[3], CONV_SHAPES[6],
            CONV_SHAPES[8], CONV_SHAPES[9], CONV_SHAPES[10]};
        List<double[]> inputs = new ArrayList<>();
        for (int[] s : convs) {
            Geometry q = Geometry.of(s);
            inputs.add(random(rnd, (int) q.x().numel()));
            inputs.add(random(rnd, (int) q.wt().numel()));
            inputs.add(random(rnd, (int) q.out().numel()));
        }
        for (boolean simd : Simd.modulePresent() ? new boolean[] {false, true} : new boolean[] {false}) {
            List<double[]> first = null;
            for (int threads : new int[] {1, 2, 3, 7}) {
                CpuBackend b = new CpuBackend(DEVICE, simd, threads);
                DType t = DType.FLOAT32;
                List<double[]> results = new ArrayList<>();
                StridedView out = empty(b, t, Shape.of(2, 150, 170));
                b.matmul(dense(b, t, a, Shape.of(2, 150, 333)), dense(b, t, bm, Shape.of(2, 333, 170)), out);
                results.add(get(b, out));
                for (int i = 0; i < convs.length; i++) {
                    Geometry q = Geometry.of(convs[i]);
                    StridedView xv = dense(b, t, inputs.get(3 * i), q.x());
                    StridedView wv = dense(b, t, inputs.get(3 * i + 1), q.wt());
                    StridedView gv = dense(b, t, inputs.get(3 * i + 2), q.out());
                    StridedView o = empty(b, t, q.out());
                    b.conv2d(xv, wv, null, o, q.spec());
                    results.add(get(b, o));
                    StridedView gx = empty(b, t, q.x());
                    b.conv2dBackwardData(gv, wv, gx, q.spec());
                    results.add(get(b, gx));
                    StridedView gw = empty(b, t, q.wt());
                    b.conv2dBackwardWeights(xv, gv, gw, q.spec());
                    results.add(get(b, gw));
                }
                if (first == null) {
                    first = results;
                    continue;
                }
                for (int r = 0; r < results.size(); r++) {
                    assertArrayEquals(first.get(r), results.get(r), "result " + r + " with " + threads
                            + " threads differs from 1 thread (" + b.kernelDescription() + ")");
                }
            }
        }
    }
}

package dev.fovea.backend.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.CounterRandom;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite every backend runs: extend it in the backend's test sources and return an
 * opened backend from {@link #openBackend()}.
 *
 * <p>Each kernel is checked in FLOAT32 and (where the device supports it) FLOAT64 against a naive
 * double-precision reference in this module, and against hand-computed values. Inputs are placed
 * in contiguous, offset, transposed, padded and broadcast (stride-0) layouts; outputs in
 * contiguous and strided ones, and every buffer cell a view does not cover holds a sentinel the
 * kernel must leave alone. Accumulating kernels are compared with a tolerance proportional to the
 * sum of the absolute values of their terms; {@link #tolerance(DType)} sets the factor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
    /** Value of every buffer cell outside a view; exactly representable in every dtype. */
    private static final double SENTINEL = -12345.0;

    private Backend backend;

    /** Opens the backend under test; it is closed after the last test. */
    protected abstract Backend openBackend();

    /**
     * Relative tolerance of computed results: results are compared to the double-precision
     * reference to within {@code tolerance * max(|reference|, 1)} for elementwise kernels and
     * {@code tolerance * (sum of |terms|)} for accumulating ones.
     */
    protected double tolerance(DType type) {
        return type == DType.FLOAT32 ? 1e-5 : 1e-12;
    }

    @BeforeAll
    final void openTheBackend() {
        backend = openBackend();
    }

    @AfterAll
    final void closeTheBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** The backend under test. */
    protected final Backend backend() {
        return backend;
    }

    /** FLOAT32, and FLOAT64 where the device supports it. */
    protected final List<DType> floatTypes() {
        return backend.device().supportsFloat64() ? List.of(DType.FLOAT32, DType.FLOAT64) : List.of(DType.FLOAT32);
    }

    // =============================================================================================
    // Host-side helpers
    // =============================================================================================

    /** How a logical row-major tensor is laid out in its buffer. */
    protected enum Layout {
        /** Dense row-major at offset 0. */
        CONTIGUOUS,
        /** Dense row-major, starting a few elements into the buffer. */
        OFFSET,
        /** Column-major: the strides of the transpose (dimensions reversed). */
        TRANSPOSED,
        /** Row-major with a gap after every row of every dimension, plus an offset. */
        PADDED
    }

    private static final Layout[] LAYOUTS = Layout.values();

    /** What each dtype stores for {@code v}: float rounding, or int truncation. */
    protected static double stored(DType type, double v) {
        return switch (type) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case INT32 -> (int) v;
        };
    }

    protected static double[] stored(DType type, double[] values) {
        double[] r = new double[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = stored(type, values[i]);
        }
        return r;
    }

    protected static double[] random(SplittableRandom rnd, int n, double lo, double hi) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return r;
    }

    /** A buffer of {@code type} holding {@code raw}, converted. */
    protected final DeviceBuffer buffer(DType type, double[] raw) {
        DeviceBuffer b = backend.allocate(type, raw.length);
        switch (type) {
            case FLOAT32 -> {
                float[] f = new float[raw.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) raw[i];
                }
                backend.upload(FloatBuffer.wrap(f), b, 0);
            }
            case FLOAT64 -> backend.upload(DoubleBuffer.wrap(raw.clone()), b, 0);
            case INT32 -> {
                int[] v = new int[raw.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (int) raw[i];
                }
                backend.upload(IntBuffer.wrap(v), b, 0);
            }
        }
        return b;
    }

    /** Every element of {@code b}, widened to double. */
    protected final double[] contents(DeviceBuffer b) {
        int n = Math.toIntExact(b.elements());
        double[] r = new double[n];
        switch (b.dtype()) {
            case FLOAT32 -> {
                FloatBuffer f = FloatBuffer.allocate(n);
                backend.download(b, 0, f);
                for (int i = 0; i < n; i++) {
                    r[i] = f.get(i);
                }
            }
            case FLOAT64 -> {
                DoubleBuffer d = DoubleBuffer.allocate(n);
                backend.download(b, 0, d);
                d.get(0, r);
            }
            case INT32 -> {
                IntBuffer v = IntBuffer.allocate(n);
                backend.download(b, 0, v);
                for (int i = 0; i < n; i++) {
                    r[i] = v.get(i);
                }
            }
        }
        return r;
    }

    private static long[] layoutStrides(Shape shape, Layout layout) {
        int rank = shape.rank();
        long[] strides = new long[rank];
        switch (layout) {
            case CONTIGUOUS, OFFSET -> {
                return shape.contiguousStrides();
            }
            case TRANSPOSED -> {
                long s = 1;
                for (int d = 0; d < rank; d++) {
                    strides[d] = s;
                    s *= Math.max(shape.dim(d), 1);
                }
            }
            case PADDED -> {
                long s = 1;
                for (int d = rank - 1; d >= 0; d--) {
                    strides[d] = s;
                    s = s * Math.max(shape.dim(d), 1) + 1;
                }
            }
        }
        return strides;
    }

    private static long layoutOffset(Layout layout) {
        return switch (layout) {
            case CONTIGUOUS, TRANSPOSED -> 0;
            case OFFSET -> 3;
            case PADDED -> 2;
        };
    }

    /** Buffer position of the element at row-major position {@code flat} of view {@code v}. */
    private static long position(StridedView v, int flat) {
        int[] idx = Reference.unravel(flat, v.shape().dims());
        long p = v.offset();
        for (int d = 0; d < idx.length; d++) {
            p += idx[d] * v.stride(d);
        }
        return p;
    }

    /** A view of {@code shape} and {@code layout} over a fresh buffer holding {@code logical} (row-major). */
    protected final StridedView place(DType type, Shape shape, double[] logical, Layout layout) {
        long[] strides = layoutStrides(shape, layout);
        long offset = layoutOffset(layout);
        long span = 0;
        for (int d = 0; d < shape.rank(); d++) {
            span += strides[d] * Math.max(shape.dim(d) - 1, 0);
        }
        double[] raw = new double[Math.toIntExact(offset + span + 3)];
        Arrays.fill(raw, SENTINEL);
        for (int i = 0; i < logical.length; i++) {
            int[] idx = Reference.unravel(i, shape.dims());
            long p = offset;
            for (int d = 0; d < idx.length; d++) {
                p += idx[d] * strides[d];
            }
            raw[(int) p] = logical[i];
        }
        return new StridedView(buffer(type, raw), offset, shape, strides);
    }

    /** An output view of {@code shape} and {@code layout} over a fresh buffer full of the sentinel. */
    protected final StridedView output(DType type, Shape shape, Layout layout) {
        double[] fill = new double[Math.toIntExact(shape.numel())];
        Arrays.fill(fill, SENTINEL);
        return place(type, shape, fill, layout);
    }

    /**
     * A view of shape {@code target} that broadcasts the row-major {@code small} tensor of shape
     * {@code source} (same rank, size 1 or the target's size on each axis) with zero strides.
     */
    protected final StridedView broadcast(DType type, Shape source, double[] small, Shape target) {
        StridedView dense = place(type, source, small, Layout.OFFSET);
        long[] strides = dense.strides();
        for (int d = 0; d < source.rank(); d++) {
            if (source.dim(d) == 1 && target.dim(d) != 1) {
                strides[d] = 0;
            }
        }
        return new StridedView(dense.buffer(), dense.offset(), target, strides);
    }

    /** Expands row-major {@code small} of shape {@code source} to {@code target} (reference side of {@link #broadcast}). */
    protected static double[] expand(double[] small, Shape source, Shape target) {
        int n = Math.toIntExact(target.numel());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            int[] idx = Reference.unravel(i, target.dims());
            for (int d = 0; d < idx.length; d++) {
                if (source.dim(d) == 1) {
                    idx[d] = 0;
                }
            }
            r[i] = small[Reference.flat(idx, source.dims())];
        }
        return r;
    }

    /**
     * The logical (row-major) contents of {@code v}, after checking that every buffer cell outside
     * the view still holds the sentinel.
     */
    protected final double[] read(StridedView v) {
        double[] raw = contents(v.buffer());
        int n = Math.toIntExact(v.shape().numel());
        double[] r = new double[n];
        boolean[] covered = new boolean[raw.length];
        for (int i = 0; i < n; i++) {
            int p = (int) position(v, i);
            r[i] = raw[p];
            covered[p] = true;
        }
        for (int p = 0; p < raw.length; p++) {
            if (!covered[p] && raw[p] != SENTINEL) {
                fail("kernel wrote outside its output view " + v + ": buffer cell " + p + " = " + raw[p]);
            }
        }
        return r;
    }

    /** Asserts {@code actual} matches {@code expected} within {@code tolerance(type) * max(scale, 1)}. */
    protected final void assertClose(String what, DType type, double[] expected, double[] scale, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double tol = tolerance(type);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e)) {
                if (!Double.isNaN(a)) {
                    fail(what + " [" + type + "]: element " + i + " should be NaN, got " + a);
                }
                continue;
            }
            if (Double.isInfinite(e) || Math.abs(e) > Float.MAX_VALUE && type == DType.FLOAT32) {
                if (stored(type, e) != a) {
                    fail(what + " [" + type + "]: element " + i + " should be " + stored(type, e) + ", got " + a);
                }
                continue;
            }
            double s = scale == null ? Math.abs(e) : scale[i];
            double allowed = tol * Math.max(s, 1.0);
            if (!(Math.abs(a - e) <= allowed)) {
                fail(what + " [" + type + "]: element " + i + " expected " + e + " but was " + a + " (difference "
                        + Math.abs(a - e) + " > " + allowed + ")");
            }
        }
    }

    /** Asserts every element equals exactly. */
    protected static void assertExactly(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": element count");
        for (int i = 0; i < expected.length; i++) {
            if (Double.compare(expected[i], actual[i]) != 0 && !(expected[i] == 0 && actual[i] == 0)) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i] + "; expected "
                        + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
            }
        }
    }

    // =============================================================================================
    // Memory
    // =============================================================================================

    @Test
    void uploadAndDownloadRoundTripEveryDtypeAtOffsets() {
        DeviceBuffer f = backend.allocate(DType.FLOAT32, 10);
        FloatBuffer src = FloatBuffer.wrap(new float[] {9, 1.5f, -2.25f, 3e-8f, 9});
        src.position(1).limit(4);
        backend.upload(src, f, 6);
        assertEquals(1, src.position(), "upload must not move the source position");
        FloatBuffer back = FloatBuffer.allocate(5);
        back.position(1).limit(4);
        backend.download(f, 6, back);
        assertEquals(1, back.position(), "download must not move the target position");
        assertArrayEquals(new float[] {0, 1.5f, -2.25f, 3e-8f, 0}, back.array());

        DeviceBuffer d = backend.allocate(DType.INT32, 4);
        backend.upload(IntBuffer.wrap(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}), d, 0);
        IntBuffer ints = IntBuffer.allocate(4);
        backend.download(d, 0, ints);
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, ints.array());
        assertEquals(DType.INT32, d.dtype());
        assertEquals(4, d.elements());

        if (backend.device().supportsFloat64()) {
            DeviceBuffer g = backend.allocate(DType.FLOAT64, 3);
            double[] values = {Math.PI, -Double.MIN_VALUE, 1e300};
            backend.upload(DoubleBuffer.wrap(values), g, 0);
            DoubleBuffer out = DoubleBuffer.allocate(2);
            backend.download(g, 1, out);
            assertArrayEquals(new double[] {-Double.MIN_VALUE, 1e300}, out.array());
        }
        f.close();
        assertTrue(f.isReleased());
        f.close(); // idempotent
    }

    @Test
    void allocateRejectsImpossibleSizesNamingThem() {
        assertThrows(IllegalArgumentException.class, () -> backend.allocate(DType.FLOAT32, -1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend.allocate(DType.FLOAT64, Long.MAX_VALUE / 16));
        assertTrue(e.getMessage().contains(String.valueOf(Long.MAX_VALUE / 16)), e.getMessage());
    }

    @Test
    void kernelsRejectBuffersOfAnotherBackendNamingTheKernel() {
        DeviceBuffer foreign = new DeviceBuffer() {
            @Override
            public DType dtype() {
                return DType.FLOAT32;
            }

            @Override
            public long elements() {
                return 4;
            }

            @Override
            public boolean isReleased() {
                return false;
            }

            @Override
            public void close() {}
        };
        StridedView alien = StridedView.contiguous(foreign, Shape.of(4));
        StridedView mine = StridedView.contiguous(backend.allocate(DType.FLOAT32, 4), Shape.of(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryOp.EXP, alien, mine));
        assertTrue(e.getMessage().contains("unary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend.binary(BinaryOp.ADD, mine, alien, mine));
        assertTrue(e.getMessage().contains("binary"), e.getMessage());
    }

    @Test
    void kernelsRejectMixedDtypesNamingKernelAndDtypes() {
        StridedView f = StridedView.contiguous(backend.allocate(DType.FLOAT32, 4), Shape.of(4));
        StridedView i = StridedView.contiguous(backend.allocate(DType.INT32, 4), Shape.of(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.binary(BinaryOp.MUL, f, i, f));
        assertTrue(e.getMessage().contains("binary") && e.getMessage().contains("INT32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend.unary(UnaryOp.EXP, i, f));
        assertTrue(e.getMessage().contains("unary") && e.getMessage().contains("INT32"), e.getMessage());
    }

    // =============================================================================================
    // Fill and conversions
    // =============================================================================================

    @Test
    void fillWritesEveryElementOfStridedViewsOnly() {
        for (DType type : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32)) {
            if (type == DType.FLOAT64 && !backend.device().supportsFloat64()) {
                continue;
            }
            for (Layout layout : LAYOUTS) {
                StridedView out = output(type, Shape.of(3, 5), layout);
                backend.fill(out, -2.75);
                double[] expected = new double[15];
                Arrays.fill(expected, stored(type, -2.75));
                assertExactly("fill " + type + " " + layout, expected, read(out));
            }
            StridedView scalar = output(type, Shape.of(), Layout.OFFSET);
            backend.fill(scalar, 7);
            assertExactly("fill scalar " + type, new double[] {7}, read(scalar));
        }
    }

    @Test
    void identityConvertsBetweenEveryPairOfDtypes() {
        double[] values = {-2.75, -1.5, -0.5, 0, 0.49, 1.5, 2.999, 1e6 + 0.5, -3.25, 123456.789, 7, -8};
        Shape shape = Shape.of(3, 4);
        List<DType> types = new ArrayList<>(List.of(DType.FLOAT32, DType.INT32));
        if (backend.device().supportsFloat64()) {
            types.add(DType.FLOAT64);
        }
        for (DType from : types) {
            for (DType to : types) {
                for (Layout in : new Layout[] {Layout.CONTIGUOUS, Layout.TRANSPOSED}) {
                    for (Layout outLayout : new Layout[] {Layout.CONTIGUOUS, Layout.PADDED}) {
                        double[] source = stored(from, values);
                        StridedView x = place(from, shape, source, in);
                        StridedView out = output(to, shape, outLayout);
                        backend.unary(UnaryOp.IDENTITY, x, out);
                        assertExactly("IDENTITY " + from + " -> " + to + " (" + in + " -> " + outLayout + ")",
                                stored(to, source), read(out));
                    }
                }
            }
        }
    }

    @Test
    void floatToIntTruncatesTowardZero() {
        StridedView x = place(DType.FLOAT32, Shape.of(6), new double[] {-2.7, -0.9, -0.0, 0.9, 2.7, 16777215}, Layout.CONTIGUOUS);
        StridedView out = output(DType.INT32, Shape.of(6), Layout.CONTIGUOUS);
        backend.unary(UnaryOp.IDENTITY, x, out);
        assertExactly("float -> int", new double[] {-2, 0, 0, 0, 2, 16777215}, read(out));
    }

    // =============================================================================================
    // Elementwise
    // =============================================================================================

    /** Inputs inside each op's domain, with interesting points (0, +-1, large) mixed in. */
    private static double[] unaryInputs(UnaryOp op, SplittableRandom rnd, int n) {
        double[] v;
        switch (op) {
            case LOG, SQRT -> v = random(rnd, n, 0.01, 50);
            case RECIPROCAL -> {
                v = random(rnd, n, 0.1, 10);
                for (int i = 0; i < n; i += 2) {
                    v[i] = -v[i];
                }
            }
            case EXP -> v = random(rnd, n, -20, 20);
            case ERF -> v = random(rnd, n, -4, 4);
            case SIGMOID -> v = random(rnd, n, -30, 30);
            default -> v = random(rnd, n, -6, 6);
        }
        if (op != UnaryOp.LOG && op != UnaryOp.SQRT && op != UnaryOp.RECIPROCAL) {
            v[0] = 0;
            v[1] = 1;
            v[2] = -1;
        }
        return v;
    }

    @Test
    void everyUnaryOpMatchesTheReferenceInEveryLayout() {
        SplittableRandom rnd = new SplittableRandom(11);
        Shape shape = Shape.of(3, 7);
        for (DType type : floatTypes()) {
            for (UnaryOp op : UnaryOp.values()) {
                for (Layout in : LAYOUTS) {
                    Layout outLayout = in == Layout.TRANSPOSED ? Layout.PADDED : Layout.CONTIGUOUS;
                    double[] x = stored(type, unaryInputs(op, rnd, 21));
                    StridedView xv = place(type, shape, x, in);
                    StridedView out = output(type, shape, outLayout);
                    backend.unary(op, xv, out);
                    double[] expected = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        expected[i] = Reference.unary(op, x[i]);
                    }
                    assertClose("unary " + op + " " + in + " -> " + outLayout, type, expected, null, read(out));
                }
            }
        }
    }

    @Test
    void unaryOpsHandleSpecialValues() {
        for (DType type : floatTypes()) {
            double nan = Double.NaN;
            double inf = Double.POSITIVE_INFINITY;
            checkUnary(type, UnaryOp.SIGN, new double[] {-3, -0.0, 0, 2, nan}, new double[] {-1, 0, 0, 1, nan});
            checkUnary(type, UnaryOp.RELU, new double[] {-3, 0, 2.5, inf, nan}, new double[] {0, 0, 2.5, inf, nan});
            checkUnary(type, UnaryOp.ABS, new double[] {-3, -inf, 2.5}, new double[] {3, inf, 2.5});
            checkUnary(type, UnaryOp.SIGMOID, new double[] {-800, -50, 0, 50, 800, -inf, inf},
                    new double[] {0, Math.exp(-50), 0.5, 1, 1, 0, 1});
            checkUnary(type, UnaryOp.LOG, new double[] {0, -1, 1, Math.E}, new double[] {-inf, nan, 0, 1});
            checkUnary(type, UnaryOp.SQRT, new double[] {-1, 0, 4}, new double[] {nan, 0, 2});
            checkUnary(type, UnaryOp.EXP, new double[] {-inf, 0, 1000}, new double[] {0, 1, inf});
            checkUnary(type, UnaryOp.RECIPROCAL, new double[] {0, 4, -0.5}, new double[] {inf, 0.25, -2});
            checkUnary(type, UnaryOp.TANH, new double[] {-1000, 0, 1000}, new double[] {-1, 0, 1});
            checkUnary(type, UnaryOp.ERF, new double[] {-inf, -10, 0, 10, inf, nan}, new double[] {-1, -1, 0, 1, 1, nan});
        }
    }

    private void checkUnary(DType type, UnaryOp op, double[] in, double[] expected) {
        StridedView x = place(type, Shape.of(in.length), stored(type, in), Layout.CONTIGUOUS);
        StridedView out = output(type, Shape.of(in.length), Layout.CONTIGUOUS);
        backend.unary(op, x, out);
        assertClose("unary " + op + " special values " + Arrays.toString(in), type, stored(type, expected), null,
                read(out));
    }

    @Test
    void erfMatchesKnownValuesToAbout1e15() {
        // erf at these points, from a 40-digit evaluation (mpmath).
        double[] x = {1e-10, 0.1, 0.46875, 0.5, -0.7, 1, 2, 3.5, 4.2, 5};
        double[] erf = {1.1283791670955126e-10, 0.1124629160182849, 0.49261347321793797, 0.5204998778130465,
            -0.6778011938374184, 0.8427007929497149, 0.9953222650189527, 0.9999992569016276, 0.9999999971445058,
            0.9999999999984626};
        for (DType type : floatTypes()) {
            StridedView xv = place(type, Shape.of(x.length), x, Layout.CONTIGUOUS);
            StridedView out = output(type, Shape.of(x.length), Layout.CONTIGUOUS);
            backend.unary(UnaryOp.ERF, xv, out);
            double[] got = read(out);
            for (int i = 0; i < x.length; i++) {
                double expected = type == DType.FLOAT64 ? erf[i] : Reference.erf((float) x[i]);
                double rel = type == DType.FLOAT64 ? 2e-15 : 2e-7;
                assertEquals(expected, got[i], rel * Math.abs(expected), "erf(" + x[i] + ") in " + type);
            }
        }
        // The suite's own reference agrees with the known values too.
        for (int i = 0; i < x.length; i++) {
            assertEquals(erf[i], Reference.erf(x[i]), 1e-14 * Math.abs(erf[i]), "reference erf(" + x[i] + ")");
        }
    }

    @Test
    void sigmoidAndTanhHitKnownValues() {
        double[] x = {0.5, -3, 20, -20};
        double[] sigmoid = {0.6224593312018546, 0.04742587317756678, 0.9999999979388464, 2.0611536181902037e-09};
        for (DType type : floatTypes()) {
            StridedView xv = place(type, Shape.of(4), x, Layout.CONTIGUOUS);
            StridedView out = output(type, Shape.of(4), Layout.CONTIGUOUS);
            backend.unary(UnaryOp.SIGMOID, xv, out);
            double[] got = read(out);
            double rel = type == DType.FLOAT64 ? 1e-15 : 1e-7;
            for (int i = 0; i < 4; i++) {
                assertEquals(sigmoid[i], got[i], rel * sigmoid[i], "sigmoid(" + x[i] + ") in " + type);
            }
        }
    }

    private static double[] binaryInputs(BinaryOp op, SplittableRandom rnd, int n, boolean first) {
        double[] v = switch (op) {
            case POW -> first ? random(rnd, n, 0.1, 4) : random(rnd, n, -3, 3);
            case DIV -> first ? random(rnd, n, -5, 5) : random(rnd, n, 0.5, 4);
            default -> random(rnd, n, -4, 4);
        };
        boolean integers = switch (op) {
            case EQ, NE, LT, LE, GT, GE -> true; // small integers, so that ties occur
            case RELU_BACKWARD -> !first; // b (the ReLU input) hits 0, the boundary
            default -> false;
        };
        if (integers) {
            for (int i = 0; i < n; i++) {
                v[i] = Math.rint(v[i]);
            }
        }
        return v;
    }

    @Test
    void everyBinaryOpMatchesTheReferenceWithLayoutsAndBroadcasts() {
        SplittableRandom rnd = new SplittableRandom(12);
        Shape shape = Shape.of(4, 5);
        for (DType type : floatTypes()) {
            for (BinaryOp op : BinaryOp.values()) {
                for (Layout layout : LAYOUTS) {
                    double[] a = stored(type, binaryInputs(op, rnd, 20, true));
                    double[] b = stored(type, binaryInputs(op, rnd, 20, false));
                    StridedView out = output(type, shape, layout == Layout.TRANSPOSED ? Layout.PADDED : layout);
                    backend.binary(op, place(type, shape, a, layout), place(type, shape, b, Layout.TRANSPOSED), out);
                    double[] expected = new double[20];
                    for (int i = 0; i < 20; i++) {
                        expected[i] = Reference.binary(op, a[i], b[i]);
                    }
                    assertClose("binary " + op + " " + layout, type, expected, null, read(out));
                }
                // a [4, 1] and b [1, 5] both broadcast to [4, 5] with zero strides
                double[] column = stored(type, binaryInputs(op, rnd, 4, true));
                double[] row = stored(type, binaryInputs(op, rnd, 5, false));
                StridedView out = output(type, shape, Layout.CONTIGUOUS);
                backend.binary(op, broadcast(type, Shape.of(4, 1), column, shape),
                        broadcast(type, Shape.of(1, 5), row, shape), out);
                double[] ea = expand(column, Shape.of(4, 1), shape);
                double[] eb = expand(row, Shape.of(1, 5), shape);
                double[] expected = new double[20];
                for (int i = 0; i < 20; i++) {
                    expected[i] = Reference.binary(op, ea[i], eb[i]);
                }
                assertClose("binary " + op + " broadcast", type, expected, null, read(out));
                // a scalar broadcast to every element
                StridedView scalar = broadcast(type, Shape.of(1, 1), new double[] {column[0]}, shape);
                StridedView out2 = output(type, shape, Layout.CONTIGUOUS);
                double[] b2 = stored(type, binaryInputs(op, rnd, 20, false));
                backend.binary(op, scalar, place(type, shape, b2, Layout.CONTIGUOUS), out2);
                for (int i = 0; i < 20; i++) {
                    expected[i] = Reference.binary(op, column[0], b2[i]);
                }
                assertClose("binary " + op + " scalar broadcast", type, expected, null, read(out2));
            }
        }
    }

    @Test
    void binaryOpsFollowNanAndComparisonRules() {
        double nan = Double.NaN;
        double[] a = {1, nan, 2, -0.0, 3};
        double[] b = {nan, 1, 2, 0.0, -3};
        for (DType type : floatTypes()) {
            checkBinary(type, BinaryOp.MAXIMUM, a, b, new double[] {nan, nan, 2, 0, 3});
            checkBinary(type, BinaryOp.MINIMUM, a, b, new double[] {nan, nan, 2, 0, -3});
            checkBinary(type, BinaryOp.EQ, a, b, new double[] {0, 0, 1, 1, 0});
            checkBinary(type, BinaryOp.NE, a, b, new double[] {1, 1, 0, 0, 1});
            checkBinary(type, BinaryOp.LT, a, b, new double[] {0, 0, 0, 0, 0});
            checkBinary(type, BinaryOp.GE, a, b, new double[] {0, 0, 1, 1, 1});
            checkBinary(type, BinaryOp.POW, new double[] {2, 9, 0, -2}, new double[] {10, 0.5, 0, 3},
                    new double[] {1024, 3, 1, -8});
            checkBinary(type, BinaryOp.DIV, new double[] {1, -1, 0}, new double[] {0, 0, 0},
                    new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, nan});
        }
    }

    @Test
    void reluBackwardPassesTheGradientOnlyWhereTheInputIsPositive() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        // a is the incoming gradient, b ReLU's input: a where b > 0, else +0, whatever a is.
        double[] a = {2.5, -3, nan, inf, -inf, 7, 7, nan, inf, -inf, 7, 7, nan, -0.0, 4};
        double[] b = {1.5, 1e-30, 1, 2, 3, 0, -0.0, 0, -0.0, -1, nan, -inf, nan, 5, inf};
        double[] expected = {2.5, -3, nan, inf, -inf, 0, 0, 0, 0, 0, 0, 0, 0, -0.0, 4};
        for (DType type : floatTypes()) {
            checkBinary(type, BinaryOp.RELU_BACKWARD, a, b, expected);
            StridedView out = output(type, Shape.of(a.length), Layout.CONTIGUOUS);
            backend.binary(BinaryOp.RELU_BACKWARD, place(type, Shape.of(a.length), a, Layout.OFFSET),
                    place(type, Shape.of(b.length), b, Layout.CONTIGUOUS), out);
            assertBitwise("RELU_BACKWARD", type, expected, read(out));
        }
    }

    @Test
    void reluBackwardIsExactInEveryLayoutAndBroadcast() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        double[] as = {2.5, -3, nan, inf, -inf, 0, -0.0, 1e-30};
        double[] bs = {1.5, 1e-30, 0, -0.0, -2, nan, inf, -inf};
        // Every (a, b) pair, then a few more: 67 elements run vector loops and a tail of any width up to 16.
        int n = 67;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = as[i % as.length];
            b[i] = bs[(i / as.length) % bs.length];
        }
        for (DType type : floatTypes()) {
            String what = "RELU_BACKWARD " + type;
            Shape row = Shape.of(n);
            StridedView out = output(type, row, Layout.CONTIGUOUS);
            backend.binary(BinaryOp.RELU_BACKWARD, place(type, row, a, Layout.CONTIGUOUS),
                    place(type, row, b, Layout.OFFSET), out);
            assertBitwise(what + " contiguous", type, reluBackward(a, b), read(out));
            // a [67, 3] grid, none of it contiguous: a transposed, b and the output padded
            Shape grid = Shape.of(n, 3);
            double[] a3 = new double[3 * n];
            double[] b3 = new double[3 * n];
            for (int i = 0; i < 3 * n; i++) {
                a3[i] = a[(i + i / n) % n];
                b3[i] = b[i % n];
            }
            StridedView out3 = output(type, grid, Layout.PADDED);
            backend.binary(BinaryOp.RELU_BACKWARD, place(type, grid, a3, Layout.TRANSPOSED),
                    place(type, grid, b3, Layout.PADDED), out3);
            assertBitwise(what + " strided", type, reluBackward(a3, b3), read(out3));
            // one side a scalar broadcast with stride 0 over a contiguous row of the other
            for (double s : new double[] {2.5, nan, inf, -inf, 0, -0.0, -2}) {
                double[] sa = new double[n];
                double[] sb = new double[n];
                Arrays.fill(sa, s);
                Arrays.fill(sb, s);
                StridedView scalar = broadcast(type, Shape.of(1), new double[] {s}, row);
                StridedView outA = output(type, row, Layout.CONTIGUOUS);
                backend.binary(BinaryOp.RELU_BACKWARD, scalar, place(type, row, b, Layout.CONTIGUOUS), outA);
                assertBitwise(what + " a = " + s + " broadcast", type, reluBackward(sa, b), read(outA));
                StridedView outB = output(type, row, Layout.CONTIGUOUS);
                backend.binary(BinaryOp.RELU_BACKWARD, place(type, row, a, Layout.CONTIGUOUS), scalar, outB);
                assertBitwise(what + " b = " + s + " broadcast", type, reluBackward(a, sb), read(outB));
            }
        }
        StridedView i = StridedView.contiguous(backend.allocate(DType.INT32, 4), Shape.of(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.binary(BinaryOp.RELU_BACKWARD, i, i, i));
        assertTrue(e.getMessage().contains("RELU_BACKWARD") && e.getMessage().contains("INT32"), e.getMessage());
    }

    private static double[] reluBackward(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Reference.binary(BinaryOp.RELU_BACKWARD, a[i], b[i]);
        }
        return r;
    }

    /** Asserts every element is bit for bit what {@code type} stores for the expected value (+0 is not -0; any NaN). */
    private static void assertBitwise(String what, DType type, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": element count");
        for (int i = 0; i < expected.length; i++) {
            double e = stored(type, expected[i]);
            boolean same = Double.isNaN(e) ? Double.isNaN(actual[i])
                    : Double.doubleToLongBits(e) == Double.doubleToLongBits(actual[i]);
            if (!same) {
                fail(what + ": element " + i + " expected " + e + " but was " + actual[i] + "; got "
                        + Arrays.toString(actual));
            }
        }
    }

    private void checkBinary(DType type, BinaryOp op, double[] a, double[] b, double[] expected) {
        Shape shape = Shape.of(a.length);
        StridedView out = output(type, shape, Layout.CONTIGUOUS);
        backend.binary(op, place(type, shape, a, Layout.CONTIGUOUS), place(type, shape, b, Layout.OFFSET), out);
        assertClose("binary " + op + " " + Arrays.toString(a) + ", " + Arrays.toString(b), type, expected, null,
                read(out));
    }

    @Test
    void whereSelectsByAConditionOfAnyDtype() {
        SplittableRandom rnd = new SplittableRandom(13);
        Shape shape = Shape.of(3, 6);
        List<DType> condTypes = new ArrayList<>(List.of(DType.FLOAT32, DType.INT32));
        if (backend.device().supportsFloat64()) {
            condTypes.add(DType.FLOAT64);
        }
        List<DType> valueTypes = new ArrayList<>(floatTypes());
        valueTypes.add(DType.INT32);
        for (DType condType : condTypes) {
            for (DType type : valueTypes) {
                double[] cond = new double[18];
                for (int i = 0; i < 18; i++) {
                    cond[i] = rnd.nextInt(3) - 1; // -1, 0 or 1: nonzero means true
                }
                cond[0] = condType == DType.INT32 ? 0 : 0.25;
                double[] a = stored(type, random(rnd, 18, -100, 100));
                double[] b = stored(type, random(rnd, 18, -100, 100));
                StridedView out = output(type, shape, Layout.PADDED);
                backend.where(place(condType, shape, cond, Layout.TRANSPOSED), place(type, shape, a, Layout.OFFSET),
                        place(type, shape, b, Layout.CONTIGUOUS), out);
                double[] expected = new double[18];
                for (int i = 0; i < 18; i++) {
                    expected[i] = cond[i] != 0 ? a[i] : b[i];
                }
                assertExactly("where cond " + condType + " values " + type, expected, read(out));
            }
        }
        // a broadcast condition row and a broadcast scalar branch
        for (DType type : floatTypes()) {
            double[] condRow = {1, 0, 0, 1, 1, 0};
            double[] a = stored(type, random(rnd, 18, -1, 1));
            StridedView out = output(type, shape, Layout.CONTIGUOUS);
            backend.where(broadcast(DType.INT32, Shape.of(1, 6), condRow, shape), place(type, shape, a, Layout.CONTIGUOUS),
                    broadcast(type, Shape.of(1, 1), new double[] {-9}, shape), out);
            double[] expected = new double[18];
            for (int i = 0; i < 18; i++) {
                expected[i] = condRow[i % 6] != 0 ? a[i] : -9;
            }
            assertExactly("where broadcast " + type, expected, read(out));
        }
    }

    // =============================================================================================
    // Reductions
    // =============================================================================================

    @Test
    void reductionsOverEveryAxisCombinationMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(14);
        int[][] shapes = {{3, 4, 5}, {7, 1, 17}, {2, 3, 2, 3}};
        for (DType type : floatTypes()) {
            for (int[] dims : shapes) {
                Shape shape = Shape.of(dims);
                int rank = dims.length;
                for (int mask = 0; mask < (1 << rank); mask++) {
                    boolean[] reduced = new boolean[rank];
                    List<Integer> axisList = new ArrayList<>();
                    for (int d = 0; d < rank; d++) {
                        if ((mask & (1 << d)) != 0) {
                            reduced[d] = true;
                            axisList.add(d == rank - 1 && mask % 2 == 1 ? -1 - (rank - 1 - d) : d);
                        }
                    }
                    int[] axes = axisList.stream().mapToInt(Integer::intValue).toArray();
                    int[] outDims = dims.clone();
                    for (int d = 0; d < rank; d++) {
                        if (reduced[d]) {
                            outDims[d] = 1;
                        }
                    }
                    for (ReduceOp op : ReduceOp.values()) {
                        Layout in = LAYOUTS[(mask + op.ordinal()) % LAYOUTS.length];
                        double[] x = stored(type, random(rnd, Reference.numel(dims), -3, 3));
                        StridedView out = output(type, Shape.of(outDims), mask % 2 == 0 ? Layout.CONTIGUOUS : Layout.PADDED);
                        backend.reduce(op, place(type, shape, x, in), axes, out);
                        Reference.Result r = Reference.reduce(op, x, dims, reduced);
                        assertClose("reduce " + op + " of " + shape + " over " + Arrays.toString(axes) + " (" + in + ")",
                                type, r.values(), op == ReduceOp.SUM ? r.scale() : null, read(out));
                    }
                }
            }
        }
    }

    @Test
    void reductionsHandleKnownValuesNanAndEmptyInputs() {
        for (DType type : floatTypes()) {
            double[] x = {1, -2, 3, 4, 5, -6};
            StridedView xv = place(type, Shape.of(2, 3), x, Layout.CONTIGUOUS);
            StridedView rows = output(type, Shape.of(2, 1), Layout.CONTIGUOUS);
            backend.reduce(ReduceOp.SUM, xv, new int[] {1}, rows);
            assertExactly("row sums", new double[] {2, 3}, read(rows));
            StridedView cols = output(type, Shape.of(1, 3), Layout.CONTIGUOUS);
            backend.reduce(ReduceOp.MAX, xv, new int[] {0}, cols);
            assertExactly("column max", new double[] {4, 5, 3}, read(cols));
            backend.reduce(ReduceOp.MIN, xv, new int[] {0}, cols);
            assertExactly("column min", new double[] {1, -2, -6}, read(cols));

            StridedView withNan = place(type, Shape.of(4), new double[] {1, Double.NaN, 7, -1}, Layout.CONTIGUOUS);
            StridedView one = output(type, Shape.of(1), Layout.CONTIGUOUS);
            backend.reduce(ReduceOp.MAX, withNan, new int[] {0}, one);
            assertTrue(Double.isNaN(read(one)[0]), "max with a NaN is NaN");
            backend.reduce(ReduceOp.MIN, withNan, new int[] {0}, one);
            assertTrue(Double.isNaN(read(one)[0]), "min with a NaN is NaN");
            StridedView negInf = place(type, Shape.of(2), new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
                    Layout.CONTIGUOUS);
            backend.reduce(ReduceOp.MAX, negInf, new int[] {0}, one);
            assertExactly("max of -inf", new double[] {Double.NEGATIVE_INFINITY}, read(one));

            StridedView empty = StridedView.contiguous(backend.allocate(type, 1), Shape.of(2, 0));
            StridedView sums = output(type, Shape.of(2, 1), Layout.CONTIGUOUS);
            backend.reduce(ReduceOp.SUM, empty, new int[] {1}, sums);
            assertExactly("sum of nothing", new double[] {0, 0}, read(sums));
            assertThrows(IllegalArgumentException.class,
                    () -> backend.reduce(ReduceOp.MAX, empty, new int[] {1}, sums));
        }
    }

    @Test
    void argmaxFindsTheFirstMaximumAndTreatsNanAsMaximum() {
        for (DType type : floatTypes()) {
            double nan = Double.NaN;
            double[] x = {
                1, 5, 5, 2, //
                -1, -1, -1, -1, //
                0, nan, 9, nan, //
                3, 2, 9, 9
            };
            Shape shape = Shape.of(4, 4);
            for (Layout layout : LAYOUTS) {
                StridedView xv = place(type, shape, x, layout);
                StridedView rows = output(DType.INT32, Shape.of(4, 1), Layout.PADDED);
                backend.argmax(xv, 1, rows);
                assertExactly("argmax rows " + layout, new double[] {1, 0, 1, 2}, read(rows));
                StridedView cols = output(DType.INT32, Shape.of(1, 4), Layout.CONTIGUOUS);
                backend.argmax(xv, -2, cols);
                assertExactly("argmax columns " + layout, new double[] {3, 2, 2, 2}, read(cols));
            }
            SplittableRandom rnd = new SplittableRandom(15);
            int[] dims = {3, 17, 5};
            double[] r = stored(type, random(rnd, 255, -2, 2));
            for (int i = 0; i < r.length; i += 7) {
                r[i] = 1.5; // ties
            }
            for (int axis = 0; axis < 3; axis++) {
                int[] outDims = dims.clone();
                outDims[axis] = 1;
                StridedView out = output(DType.INT32, Shape.of(outDims), Layout.CONTIGUOUS);
                backend.argmax(place(type, Shape.of(dims), r, Layout.TRANSPOSED), axis, out);
                double[] expected = Arrays.stream(Reference.argmax(r, dims, axis)).asDoubleStream().toArray();
                assertExactly("argmax of [3, 17, 5] along " + axis + " " + type, expected, read(out));
            }
        }
    }

    // =============================================================================================
    // Matrix product
    // =============================================================================================

    /** Row-major [batch, rows, cols] data placed transposed in its last two dimensions. */
    private StridedView placeMatrices(DType type, int batch, int rows, int cols, double[] data, boolean transposed,
            boolean broadcastBatch) {
        if (!transposed && !broadcastBatch) {
            return place(type, Shape.of(batch, rows, cols), data, Layout.OFFSET);
        }
        int copies = broadcastBatch ? 1 : batch;
        double[] raw = new double[copies * rows * cols + 5];
        Arrays.fill(raw, SENTINEL);
        for (int b = 0; b < copies; b++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int at = transposed ? (b * cols + j) * rows + i : (b * rows + i) * cols + j;
                    raw[5 + at] = data[(b * rows + i) * cols + j];
                }
            }
        }
        long batchStride = broadcastBatch ? 0 : (long) rows * cols;
        long[] strides = transposed ? new long[] {batchStride, 1, rows} : new long[] {batchStride, cols, 1};
        return new StridedView(buffer(type, raw), 5, Shape.of(batch, rows, cols), strides);
    }

    @Test
    void matmulMatchesTheReferenceForOddSizesTransposesAndBroadcastBatches() {
        SplittableRandom rnd = new SplittableRandom(16);
        int[][] sizes = {{1, 1, 1, 1}, {1, 3, 7, 5}, {2, 17, 33, 9}, {3, 5, 1, 6}, {2, 33, 17, 65}, {1, 4, 8, 1}, {2, 0, 3, 2},
            {1, 2, 0, 3}};
        for (DType type : floatTypes()) {
            for (int[] s : sizes) {
                int batch = s[0];
                int m = s[1];
                int k = s[2];
                int n = s[3];
                for (int variant = 0; variant < 6; variant++) {
                    boolean ta = variant == 1 || variant == 3;
                    boolean tb = variant == 2 || variant == 3;
                    boolean bcast = variant == 4;
                    boolean stridedOut = variant == 5;
                    double[] a = stored(type, random(rnd, batch * m * k, -1, 1));
                    double[] b = stored(type, random(rnd, (bcast ? 1 : batch) * k * n, -1, 1));
                    double[] bFull = bcast ? expand(b, Shape.of(1, k, n), Shape.of(batch, k, n)) : b;
                    StridedView out = stridedOut
                            ? output(type, Shape.of(batch, m, n), Layout.TRANSPOSED)
                            : output(type, Shape.of(batch, m, n), Layout.PADDED);
                    backend.matmul(placeMatrices(type, batch, m, k, a, ta, false),
                            placeMatrices(type, batch, k, n, b, tb, bcast), out);
                    Reference.Result r = Reference.matmul(a, bFull, batch, m, k, n);
                    assertClose("matmul " + Arrays.toString(s) + " transA=" + ta + " transB=" + tb + " broadcastB="
                            + bcast + " stridedOut=" + stridedOut, type, r.values(), r.scale(), read(out));
                }
            }
        }
    }

    @Test
    void matmulOfKnownMatrices() {
        for (DType type : floatTypes()) {
            // [[1, 2, 3], [4, 5, 6]] @ [[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
            StridedView a = place(type, Shape.of(1, 2, 3), new double[] {1, 2, 3, 4, 5, 6}, Layout.CONTIGUOUS);
            StridedView b = place(type, Shape.of(1, 3, 2), new double[] {7, 8, 9, 10, 11, 12}, Layout.CONTIGUOUS);
            StridedView out = output(type, Shape.of(1, 2, 2), Layout.CONTIGUOUS);
            backend.matmul(a, b, out);
            assertExactly("known matmul " + type, new double[] {58, 64, 139, 154}, read(out));
        }
    }

    // =============================================================================================
    // Convolution
    // =============================================================================================

    /** The convolution cases: odd sizes, every stride/padding/dilation/groups feature, alone and mixed. */
    private static List<Reference.Conv> convCases() {
        List<Reference.Conv> cases = new ArrayList<>();
        cases.add(new Reference.Conv(1, 1, 5, 5, 1, 3, 3, ConvSpec.defaults()));
        cases.add(new Reference.Conv(2, 3, 7, 6, 4, 3, 3, ConvSpec.of(1, 1, 1, 1)));
        cases.add(new Reference.Conv(2, 2, 9, 8, 3, 3, 2, ConvSpec.of(2, 0, 1, 1)));
        cases.add(new Reference.Conv(1, 3, 8, 9, 2, 2, 3, new ConvSpec(2, 3, 0, 1, 2, 0, 1, 1, 1)));
        cases.add(new Reference.Conv(2, 2, 10, 11, 3, 3, 3, ConvSpec.of(1, 2, 2, 1)));
        cases.add(new Reference.Conv(1, 4, 6, 7, 6, 3, 1, ConvSpec.of(1, 1, 1, 2)));
        cases.add(new Reference.Conv(2, 4, 5, 5, 4, 3, 3, ConvSpec.of(1, 1, 1, 4))); // depthwise
        cases.add(new Reference.Conv(3, 6, 11, 9, 4, 2, 4,
                new ConvSpec(3, 2, 1, 2, 3, 0, 2, 1, 2))); // everything asymmetric at once
        cases.add(new Reference.Conv(1, 2, 4, 4, 2, 1, 1, ConvSpec.of(2, 0, 1, 1))); // 1x1, strided
        cases.add(new Reference.Conv(2, 1, 1, 17, 3, 1, 5, new ConvSpec(1, 2, 0, 0, 2, 2, 1, 3, 1))); // 1-D like
        cases.add(new Reference.Conv(1, 1, 3, 3, 1, 5, 5, ConvSpec.of(1, 2, 1, 1))); // kernel larger than input
        return cases;
    }

    @Test
    void conv2dForwardMatchesTheReferenceOverAGridOfGeometries() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (DType type : floatTypes()) {
            for (Reference.Conv q : convCases()) {
                double[] x = stored(type, random(rnd, q.xSize(), -1, 1));
                double[] w = stored(type, random(rnd, q.wSize(), -1, 1));
                double[] bias = stored(type, random(rnd, q.cout(), -1, 1));
                for (boolean withBias : new boolean[] {true, false}) {
                    StridedView out = output(type, Shape.of(q.n(), q.cout(), q.oh(), q.ow()), Layout.OFFSET);
                    backend.conv2d(place(type, Shape.of(q.n(), q.c(), q.h(), q.w()), x, Layout.OFFSET),
                            place(type, Shape.of(q.cout(), q.cinPerGroup(), q.kh(), q.kw()), w, Layout.CONTIGUOUS),
                            withBias ? place(type, Shape.of(q.cout()), bias, Layout.OFFSET) : null, out, q.spec());
                    Reference.Result r = Reference.conv2d(q, x, w, withBias ? bias : null);
                    assertClose("conv2d " + q + " bias=" + withBias, type, r.values(), r.scale(), read(out));
                }
            }
        }
    }

    @Test
    void conv2dBackwardDataMatchesTheReference() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (DType type : floatTypes()) {
            for (Reference.Conv q : convCases()) {
                double[] gradOut = stored(type, random(rnd, q.outSize(), -1, 1));
                double[] w = stored(type, random(rnd, q.wSize(), -1, 1));
                StridedView gx = output(type, Shape.of(q.n(), q.c(), q.h(), q.w()), Layout.OFFSET);
                backend.conv2dBackwardData(place(type, Shape.of(q.n(), q.cout(), q.oh(), q.ow()), gradOut, Layout.OFFSET),
                        place(type, Shape.of(q.cout(), q.cinPerGroup(), q.kh(), q.kw()), w, Layout.CONTIGUOUS), gx,
                        q.spec());
                Reference.Result r = Reference.conv2dBackwardData(q, gradOut, w);
                assertClose("conv2dBackwardData " + q, type, r.values(), r.scale(), read(gx));
            }
        }
    }

    @Test
    void conv2dBackwardWeightsMatchesTheReference() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (DType type : floatTypes()) {
            for (Reference.Conv q : convCases()) {
                double[] x = stored(type, random(rnd, q.xSize(), -1, 1));
                double[] gradOut = stored(type, random(rnd, q.outSize(), -1, 1));
                StridedView gw = output(type, Shape.of(q.cout(), q.cinPerGroup(), q.kh(), q.kw()), Layout.OFFSET);
                backend.conv2dBackwardWeights(place(type, Shape.of(q.n(), q.c(), q.h(), q.w()), x, Layout.CONTIGUOUS),
                        place(type, Shape.of(q.n(), q.cout(), q.oh(), q.ow()), gradOut, Layout.OFFSET), gw, q.spec());
                Reference.Result r = Reference.conv2dBackwardWeights(q, x, gradOut);
                assertClose("conv2dBackwardWeights " + q, type, r.values(), r.scale(), read(gw));
            }
        }
    }

    @Test
    void conv2dOfAKnownImage() {
        for (DType type : floatTypes()) {
            // 3x3 image 1..9, 2x2 kernel [[1, 0], [0, -1]], bias 0.5: out[y][x] = img[y][x] - img[y+1][x+1] + 0.5
            StridedView x = place(type, Shape.of(1, 1, 3, 3), new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, Layout.CONTIGUOUS);
            StridedView w = place(type, Shape.of(1, 1, 2, 2), new double[] {1, 0, 0, -1}, Layout.CONTIGUOUS);
            StridedView b = place(type, Shape.of(1), new double[] {0.5}, Layout.CONTIGUOUS);
            StridedView out = output(type, Shape.of(1, 1, 2, 2), Layout.CONTIGUOUS);
            backend.conv2d(x, w, b, out, ConvSpec.defaults());
            assertExactly("known conv " + type, new double[] {-3.5, -3.5, -3.5, -3.5}, read(out));
            // With padding 1 the corners see only one tap: out[0][0] = -img[0][0] + 0.5
            StridedView padded = output(type, Shape.of(1, 1, 4, 4), Layout.CONTIGUOUS);
            backend.conv2d(x, w, b, padded, ConvSpec.of(1, 1, 1, 1));
            double[] got = read(padded);
            assertEquals(-0.5, got[0], 0.0, "top-left corner");
            assertEquals(9.5, got[15], 0.0, "bottom-right corner");
            // The gradient of sum(out) with respect to w is the sum of the image under each tap.
            StridedView ones = place(type, Shape.of(1, 1, 2, 2), new double[] {1, 1, 1, 1}, Layout.CONTIGUOUS);
            StridedView gw = output(type, Shape.of(1, 1, 2, 2), Layout.CONTIGUOUS);
            backend.conv2dBackwardWeights(x, ones, gw, ConvSpec.defaults());
            assertExactly("known weight gradient " + type, new double[] {12, 16, 24, 28}, read(gw));
            StridedView gx = output(type, Shape.of(1, 1, 3, 3), Layout.CONTIGUOUS);
            backend.conv2dBackwardData(ones, w, gx, ConvSpec.defaults());
            assertExactly("known input gradient " + type, new double[] {1, 1, 0, 1, 0, -1, 0, -1, -1}, read(gx));
        }
    }

    @Test
    void conv2dRejectsInconsistentShapes() {
        DType type = DType.FLOAT32;
        StridedView x = output(type, Shape.of(1, 3, 5, 5), Layout.CONTIGUOUS);
        StridedView w = output(type, Shape.of(4, 2, 3, 3), Layout.CONTIGUOUS);
        StridedView out = output(type, Shape.of(1, 4, 3, 3), Layout.CONTIGUOUS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.conv2d(x, w, null, out, ConvSpec.defaults()));
        assertTrue(e.getMessage().contains("conv2d"), e.getMessage());
    }

    // =============================================================================================
    // Pooling
    // =============================================================================================

    private static List<PoolSpec> poolCases() {
        return List.of(PoolSpec.of(2, 2), PoolSpec.of(3, 2), PoolSpec.of(3, 1), new PoolSpec(3, 3, 2, 2, 1, 1, true),
                new PoolSpec(3, 3, 2, 2, 1, 1, false), new PoolSpec(2, 3, 1, 2, 1, 1, false),
                new PoolSpec(4, 2, 3, 1, 2, 0, true), new PoolSpec(1, 1, 2, 2, 0, 0, true));
    }

    @Test
    void pool2dForwardAndBackwardMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(20);
        int n = 2;
        int c = 3;
        int h = 7;
        int w = 9;
        for (DType type : floatTypes()) {
            for (PoolSpec spec : poolCases()) {
                for (PoolOp op : PoolOp.values()) {
                    double[] x = stored(type, random(rnd, n * c * h * w, -2, 2));
                    for (int i = 0; i < x.length; i += 5) {
                        x[i] = 1.0; // ties inside windows
                    }
                    Shape outShape = Shape.of(n, c, spec.outHeight(h), spec.outWidth(w));
                    StridedView xv = place(type, Shape.of(n, c, h, w), x, Layout.OFFSET);
                    StridedView out = output(type, outShape, Layout.OFFSET);
                    backend.pool2d(op, xv, out, spec);
                    boolean max = op == PoolOp.MAX;
                    Reference.Result r = Reference.pool2d(max, spec, x, n * c, h, w);
                    assertClose("pool2d " + op + " " + spec, type, r.values(), r.scale(), read(out));

                    double[] g = stored(type, random(rnd, Math.toIntExact(outShape.numel()), -1, 1));
                    StridedView gx = output(type, Shape.of(n, c, h, w), Layout.OFFSET);
                    backend.pool2dBackward(op, xv, place(type, outShape, g, Layout.CONTIGUOUS), gx, spec);
                    Reference.Result rb = Reference.pool2dBackward(max, spec, x, g, n * c, h, w);
                    assertClose("pool2dBackward " + op + " " + spec, type, rb.values(), rb.scale(), read(gx));
                }
            }
        }
    }

    @Test
    void poolingOfAKnownImage() {
        for (DType type : floatTypes()) {
            double[] img = {
                1, 2, 5, 0, //
                3, 4, 1, 1, //
                0, 0, 2, 2, //
                -1, 8, 2, 1
            };
            StridedView x = place(type, Shape.of(1, 1, 4, 4), img, Layout.CONTIGUOUS);
            StridedView out = output(type, Shape.of(1, 1, 2, 2), Layout.CONTIGUOUS);
            backend.pool2d(PoolOp.MAX, x, out, PoolSpec.of(2, 2));
            assertExactly("max pool " + type, new double[] {4, 5, 8, 2}, read(out));
            backend.pool2d(PoolOp.AVG, x, out, PoolSpec.of(2, 2));
            assertExactly("avg pool " + type, new double[] {2.5, 1.75, 1.75, 1.75}, read(out));

            StridedView grad = place(type, Shape.of(1, 1, 2, 2), new double[] {1, 2, 3, 4}, Layout.CONTIGUOUS);
            StridedView gx = output(type, Shape.of(1, 1, 4, 4), Layout.CONTIGUOUS);
            backend.pool2dBackward(PoolOp.MAX, x, grad, gx, PoolSpec.of(2, 2));
            // bottom-right window [2, 2; 2, 1] has tied maxima: the first (row-major) takes the gradient
            assertExactly("max pool gradient " + type,
                    new double[] {0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 4, 0, 0, 3, 0, 0}, read(gx));

            // 3x3 windows, stride 1, padding 1 on a 2x2 image: every window holds the whole image
            StridedView small = place(type, Shape.of(1, 1, 2, 2), new double[] {1, 2, 3, 6}, Layout.CONTIGUOUS);
            StridedView avg = output(type, Shape.of(1, 1, 2, 2), Layout.CONTIGUOUS);
            backend.pool2d(PoolOp.AVG, small, avg, new PoolSpec(3, 3, 1, 1, 1, 1, true));
            double third = 4.0 / 3;
            assertClose("avg pool counting padding", type, new double[] {third, third, third, third}, null, read(avg));
            backend.pool2d(PoolOp.AVG, small, avg, new PoolSpec(3, 3, 1, 1, 1, 1, false));
            assertExactly("avg pool without padding", new double[] {3, 3, 3, 3}, read(avg));
            StridedView ones = place(type, Shape.of(1, 1, 2, 2), new double[] {1, 1, 1, 1}, Layout.CONTIGUOUS);
            StridedView gsmall = output(type, Shape.of(1, 1, 2, 2), Layout.CONTIGUOUS);
            backend.pool2dBackward(PoolOp.AVG, small, ones, gsmall, new PoolSpec(3, 3, 1, 1, 1, 1, false));
            assertExactly("overlapping avg gradient accumulates", new double[] {1, 1, 1, 1}, read(gsmall));
            backend.pool2dBackward(PoolOp.MAX, small, ones, gsmall, new PoolSpec(3, 3, 1, 1, 1, 1, true));
            assertExactly("overlapping max gradient accumulates", new double[] {0, 0, 0, 4}, read(gsmall));
        }
    }

    // =============================================================================================
    // Random numbers
    // =============================================================================================

    @Test
    void fillRandomReproducesCounterRandomElementForElement() {
        RandomSpec[] specs = {RandomSpec.uniform(0, 1), RandomSpec.uniform(-0.3, 0.7), RandomSpec.normal(0, 1),
            RandomSpec.normal(-2, 0.01)};
        long[][] seedsAndCounters = {{0, 0}, {42, 1000}, {-1L, 0xFFFFFFF0L}, {0x123456789ABCDEFL, -5}};
        for (DType type : floatTypes()) {
            for (RandomSpec spec : specs) {
                for (long[] sc : seedsAndCounters) {
                    int n = 37;
                    DeviceBuffer b = backend.allocate(type, n + 4);
                    backend.fill(StridedView.contiguous(b, Shape.of(n + 4)), SENTINEL);
                    StridedView out = new StridedView(b, 2, Shape.of(n), new long[] {1});
                    backend.fillRandom(spec, sc[0], sc[1], out);
                    double[] expected = new double[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = CounterRandom.sample(type, spec, sc[0], sc[1] + i);
                    }
                    assertExactly("fillRandom " + spec + " seed " + sc[0] + " counter " + sc[1] + " " + type, expected,
                            read(out));
                }
            }
        }
    }

    @Test
    void fillRandomContinuesAStreamAcrossCalls() {
        for (DType type : floatTypes()) {
            RandomSpec spec = RandomSpec.normal(1, 2);
            StridedView whole = output(type, Shape.of(2, 10), Layout.CONTIGUOUS);
            backend.fillRandom(spec, 7, 100, whole);
            DeviceBuffer halves = backend.allocate(type, 20);
            backend.fillRandom(spec, 7, 100, new StridedView(halves, 0, Shape.of(10), new long[] {1}));
            backend.fillRandom(spec, 7, 110, new StridedView(halves, 10, Shape.of(10), new long[] {1}));
            assertExactly("two fills continue one stream " + type, read(whole), contents(halves));
            double[] values = read(whole);
            assertFalse(values[0] == values[1], "consecutive draws differ");
        }
    }
}

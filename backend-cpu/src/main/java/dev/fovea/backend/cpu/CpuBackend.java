package dev.fovea.backend.cpu;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.CounterRandom;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The pure-Java backend: buffers are {@code float[]}, {@code double[]} or {@code int[]} arrays.
 * Elementwise kernels walk rows of the innermost (merged) dimension; matrix products and
 * convolutions run on a packed, cache-blocked GEMM ({@link DoubleGemm}, {@link DoubleConv}) with a
 * Vector API micro-kernel when {@code jdk.incubator.vector} is present (else a scalar one), on a pool
 * of {@code -Dfovea.cpu.threads} threads. Every output element is computed by one task in a fixed
 * order, so results are the same bits whatever the number of threads.
 */
public final class CpuBackend implements Backend {
    private final DeviceInfo device;
    private final Kernels kernels;
    private final ArrayPool pool = ArrayPool.configured();
    private volatile boolean closed;

    /**
     * A backend for {@code device} configured by system properties / environment: the Vector API
     * kernels unless {@code -Dfovea.cpu.simd=false} or the module is absent, and a pool of
     * {@code -Dfovea.cpu.threads} threads (default: available processors).
     */
    public CpuBackend(DeviceInfo device) {
        this(device, Kernels.configured());
    }

    /** A backend that runs every kernel on the calling thread when {@code parallel} is false. */
    CpuBackend(DeviceInfo device, boolean parallel) {
        this(device, new Kernels(Simd.enabled(), parallel ? Kernels.configuredThreads() : 1));
    }

    /** A backend with explicit kernels: SIMD or scalar, and a thread count. */
    CpuBackend(DeviceInfo device, boolean simd, int threads) {
        this(device, new Kernels(simd, threads));
    }

    private CpuBackend(DeviceInfo device, Kernels kernels) {
        this.device = Objects.requireNonNull(device, "device");
        this.kernels = kernels;
    }

    /** What this backend runs with, e.g. "Vector API, 512-bit, 12x32 tile, 2 threads". */
    public String kernelDescription() {
        return kernels.describe();
    }

    /** Whether the Vector API kernels are in use. */
    boolean usesSimd() {
        return kernels.simd;
    }

    /** Threads of this backend's pool. */
    int threads() {
        return kernels.parallel.threads();
    }

    @Override
    public String name() {
        return CpuBackendProvider.NAME;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        pool.clear();
    }

    /** Takes back the array of a released buffer for reuse (see {@link ArrayPool}). */
    void recycle(DType type, int elements, Object array) {
        if (!closed) {
            pool.give(type, elements, array);
        }
    }

    /** The pool of released arrays (for tests and reports). */
    ArrayPool pool() {
        return pool;
    }

    @Override
    public String toString() {
        return "CpuBackend[" + device.name() + "]";
    }

    // ---- memory ---------------------------------------------------------------------------------

    @Override
    public DeviceBuffer allocate(DType type, long elements) {
        Objects.requireNonNull(type, "type");
        checkOpen("allocate");
        if (elements < 0) {
            throw new IllegalArgumentException("allocate: element count must be >= 0, got " + elements);
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("allocate: the cpu backend cannot hold " + elements + " " + type
                    + " elements (" + elements * type.byteSize() + " bytes) in one buffer; its limit is "
                    + (Integer.MAX_VALUE - 8) + " elements");
        }
        try {
            return new CpuBuffer(this, type, (int) elements, pool.take(type, (int) elements));
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("allocate: out of Java heap allocating " + elements + " " + type
                    + " elements (" + elements * type.byteSize() + " bytes); raise -Xmx (max heap is "
                    + Runtime.getRuntime().maxMemory() + " bytes)", e);
        }
    }

    @Override
    public void upload(Buffer source, DeviceBuffer target, long targetOffset) {
        Objects.requireNonNull(source, "source");
        CpuBuffer t = own(target, "upload", "target");
        int n = source.remaining();
        checkRange("upload", t, targetOffset, n);
        int off = (int) targetOffset;
        if (source instanceof FloatBuffer fb && t.dtype() == DType.FLOAT32) {
            fb.duplicate().get(t.floats(), off, n);
        } else if (source instanceof DoubleBuffer db && t.dtype() == DType.FLOAT64) {
            db.duplicate().get(t.doubles(), off, n);
        } else if (source instanceof IntBuffer ib && t.dtype() == DType.INT32) {
            ib.duplicate().get(t.ints(), off, n);
        } else {
            throw new IllegalArgumentException("upload: a " + source.getClass().getSimpleName()
                    + " cannot fill a " + t.dtype() + " buffer; use a FloatBuffer, DoubleBuffer or IntBuffer to match");
        }
    }

    @Override
    public void download(DeviceBuffer source, long sourceOffset, Buffer target) {
        Objects.requireNonNull(target, "target");
        CpuBuffer s = own(source, "download", "source");
        int n = target.remaining();
        checkRange("download", s, sourceOffset, n);
        int off = (int) sourceOffset;
        if (target instanceof FloatBuffer fb && s.dtype() == DType.FLOAT32) {
            fb.duplicate().put(s.floats(), off, n);
        } else if (target instanceof DoubleBuffer db && s.dtype() == DType.FLOAT64) {
            db.duplicate().put(s.doubles(), off, n);
        } else if (target instanceof IntBuffer ib && s.dtype() == DType.INT32) {
            ib.duplicate().put(s.ints(), off, n);
        } else {
            throw new IllegalArgumentException("download: a " + s.dtype() + " buffer cannot be read into a "
                    + target.getClass().getSimpleName() + "; use a FloatBuffer, DoubleBuffer or IntBuffer to match");
        }
    }

    private static void checkRange(String kernel, CpuBuffer b, long offset, int n) {
        if (offset < 0 || offset + n > b.elements()) {
            throw new IllegalArgumentException(kernel + ": elements [" + offset + ", " + (offset + n)
                    + ") are outside the buffer of " + b.elements() + " " + b.dtype() + " elements");
        }
    }

    // ---- elementwise ----------------------------------------------------------------------------

    @Override
    public void fill(StridedView out, double value) {
        CpuBuffer o = own(out, "fill", "out");
        Loop loop = Loop.plan(out.shape().dims(), new long[] {out.offset()}, out.strides());
        int n = loop.innerSize();
        switch (o.dtype()) {
            case FLOAT32 -> {
                float[] y = o.floats();
                float v = (float) value;
                for (long r = 0; r < loop.rows(); r++, loop.next()) {
                    for (int i = 0, yi = loop.offset(0), ys = loop.innerStride(0); i < n; i++, yi += ys) y[yi] = v;
                }
            }
            case FLOAT64 -> {
                double[] y = o.doubles();
                for (long r = 0; r < loop.rows(); r++, loop.next()) {
                    for (int i = 0, yi = loop.offset(0), ys = loop.innerStride(0); i < n; i++, yi += ys) y[yi] = value;
                }
            }
            default -> {
                int[] y = o.ints();
                int v = (int) value;
                for (long r = 0; r < loop.rows(); r++, loop.next()) {
                    for (int i = 0, yi = loop.offset(0), ys = loop.innerStride(0); i < n; i++, yi += ys) y[yi] = v;
                }
            }
        }
    }

    @Override
    public void unary(UnaryOp op, StridedView x, StridedView out) {
        Objects.requireNonNull(op, "op");
        String kernel = "unary " + op;
        CpuBuffer xb = own(x, kernel, "x");
        CpuBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, x);
        if (out.shape().numel() == 0) {
            return;
        }
        if (op != UnaryOp.IDENTITY) {
            floatOperands(kernel, out, x);
        }
        Loop loop = Loop.plan(out.shape().dims(), new long[] {x.offset(), out.offset()}, x.strides(), out.strides());
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        DType from = xb.dtype();
        DType to = ob.dtype();
        SimdElementwise simd = from == DType.FLOAT32 && to == DType.FLOAT32 && xs == 1 && ys == 1
                ? kernels.elementwise : null;
        forEachRow(loop, out.shape().numel(), (l, i0, n) -> {
            int xi = l.offset(0) + i0 * xs;
            int yi = l.offset(1) + i0 * ys;
            if (simd != null && simd.unary(op, xb.floats(), xi, ob.floats(), yi, n)) {
                return;
            }
            if (from == to) {
                switch (from) {
                    case FLOAT32 -> Elementwise.unary(op, xb.floats(), xi, xs, ob.floats(), yi, ys, n);
                    case FLOAT64 -> Elementwise.unary(op, xb.doubles(), xi, xs, ob.doubles(), yi, ys, n);
                    default -> Elementwise.copy(xb.ints(), xi, xs, ob.ints(), yi, ys, n);
                }
            } else if (from == DType.FLOAT32) {
                if (to == DType.FLOAT64) {
                    Elementwise.convert(xb.floats(), xi, xs, ob.doubles(), yi, ys, n);
                } else {
                    Elementwise.convert(xb.floats(), xi, xs, ob.ints(), yi, ys, n);
                }
            } else if (from == DType.FLOAT64) {
                if (to == DType.FLOAT32) {
                    Elementwise.convert(xb.doubles(), xi, xs, ob.floats(), yi, ys, n);
                } else {
                    Elementwise.convert(xb.doubles(), xi, xs, ob.ints(), yi, ys, n);
                }
            } else if (to == DType.FLOAT32) {
                Elementwise.convert(xb.ints(), xi, xs, ob.floats(), yi, ys, n);
            } else {
                Elementwise.convert(xb.ints(), xi, xs, ob.doubles(), yi, ys, n);
            }
        });
    }

    /** A row kernel: {@code count} elements of the loop's current row, from element {@code from}. */
    private interface RowBody {
        void row(Loop loop, int from, int count);
    }

    /** Below this many elements an elementwise kernel runs on the calling thread. */
    static final long MIN_PARALLEL_ELEMENTS = 1L << 15;

    /**
     * Runs {@code body} over every row of {@code loop}, split over the pool when there are enough
     * elements: whole rows per task, or parts of rows when there are fewer rows than tasks. Each
     * element is computed by exactly one task, the same way whoever runs it.
     */
    private void forEachRow(Loop loop, long elements, RowBody body) {
        long rows = loop.rows();
        int n = loop.innerSize();
        Parallel par = elements >= MIN_PARALLEL_ELEMENTS ? kernels.parallel : Parallel.SERIAL;
        int tasks = (int) Math.min(4L * par.threads(), Math.max(1, elements / (MIN_PARALLEL_ELEMENTS / 2)));
        if (tasks <= 1 || par.threads() == 1) {
            for (long r = 0; r < rows; r++, loop.next()) {
                body.row(loop, 0, n);
            }
            return;
        }
        if (rows >= tasks) {
            par.run(tasks, t -> {
                long r0 = rows * t / tasks;
                long r1 = rows * (t + 1) / tasks;
                Loop l = loop.at(r0);
                for (long r = r0; r < r1; r++, l.next()) {
                    body.row(l, 0, n);
                }
            });
        } else {
            int parts = (tasks + (int) rows - 1) / (int) rows;
            par.run((int) rows * parts, t -> {
                int p = t % parts;
                int i0 = Parallel.start(n, parts, p);
                int i1 = Parallel.start(n, parts, p + 1);
                if (i1 > i0) {
                    body.row(loop.at(t / parts), i0, i1 - i0);
                }
            });
        }
    }

    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, StridedView out) {
        Objects.requireNonNull(op, "op");
        String kernel = "binary " + op;
        CpuBuffer ab = own(a, kernel, "a");
        CpuBuffer bb = own(b, kernel, "b");
        CpuBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, a, b);
        floatOperands(kernel, out, a, b);
        if (out.shape().numel() == 0) {
            return;
        }
        Loop loop = Loop.plan(out.shape().dims(), new long[] {a.offset(), b.offset(), out.offset()},
                a.strides(), b.strides(), out.strides());
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        int ys = loop.innerStride(2);
        boolean single = ob.dtype() == DType.FLOAT32;
        SimdElementwise simd = single && ys == 1 ? kernels.elementwise : null;
        forEachRow(loop, out.shape().numel(), (l, i0, n) -> {
            int ai = l.offset(0) + i0 * as;
            int bi = l.offset(1) + i0 * bs;
            int yi = l.offset(2) + i0 * ys;
            if (single) {
                if (simd == null || !simd.binary(op, ab.floats(), ai, as, bb.floats(), bi, bs, ob.floats(), yi, n)) {
                    Elementwise.binary(op, ab.floats(), ai, as, bb.floats(), bi, bs, ob.floats(), yi, ys, n);
                }
            } else {
                Elementwise.binary(op, ab.doubles(), ai, as, bb.doubles(), bi, bs, ob.doubles(), yi, ys, n);
            }
        });
    }

    @Override
    public void where(StridedView cond, StridedView a, StridedView b, StridedView out) {
        String kernel = "where";
        CpuBuffer cb = own(cond, kernel, "cond");
        CpuBuffer ab = own(a, kernel, "a");
        CpuBuffer bb = own(b, kernel, "b");
        CpuBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, cond, a, b);
        if (ab.dtype() != ob.dtype() || bb.dtype() != ob.dtype()) {
            throw new IllegalArgumentException(kernel + ": a, b and out must share a dtype, got " + ab.dtype() + ", "
                    + bb.dtype() + " and " + ob.dtype());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        Loop loop = Loop.plan(out.shape().dims(), new long[] {cond.offset(), a.offset(), b.offset(), out.offset()},
                cond.strides(), a.strides(), b.strides(), out.strides());
        int n = loop.innerSize();
        boolean[] mask = new boolean[n];
        int cs = loop.innerStride(0);
        int as = loop.innerStride(1);
        int bs = loop.innerStride(2);
        int ys = loop.innerStride(3);
        for (long r = 0; r < loop.rows(); r++, loop.next()) {
            Elementwise.mask(cb, loop.offset(0), cs, mask, n);
            switch (ob.dtype()) {
                case FLOAT32 -> Elementwise.select(mask, ab.floats(), loop.offset(1), as, bb.floats(), loop.offset(2),
                        bs, ob.floats(), loop.offset(3), ys, n);
                case FLOAT64 -> Elementwise.select(mask, ab.doubles(), loop.offset(1), as, bb.doubles(),
                        loop.offset(2), bs, ob.doubles(), loop.offset(3), ys, n);
                default -> Elementwise.select(mask, ab.ints(), loop.offset(1), as, bb.ints(), loop.offset(2), bs,
                        ob.ints(), loop.offset(3), ys, n);
            }
        }
    }

    // ---- reductions -----------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, StridedView x, int[] axes, StridedView out) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(axes, "axes");
        String kernel = "reduce " + op;
        CpuBuffer xb = own(x, kernel, "x");
        CpuBuffer ob = own(out, kernel, "out");
        floatOperands(kernel, out, x);
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int axis : axes) {
            reduced[x.shape().normalizeAxis(axis)] = true;
        }
        Shape expected = reducedShape(x.shape(), reduced);
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException(kernel + ": reducing x " + x.shape() + " over axes "
                    + Arrays.toString(axes) + " gives " + expected + ", but out is " + out.shape());
        }
        int outCount = Math.toIntExact(out.shape().numel());
        if (outCount == 0) {
            return;
        }
        if (x.shape().numel() == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException(kernel + ": cannot take the " + op + " of zero elements (x "
                    + x.shape() + ", axes " + Arrays.toString(axes) + ")");
        }
        double[] acc = new double[outCount];
        if (op == ReduceOp.SUM && x.isContiguous() && sumMiddleAxes(x, reduced, acc, xb)) {
            writeReduced(out, ob, acc);
            return;
        }
        if (op != ReduceOp.SUM) {
            Arrays.fill(acc, op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (x.shape().numel() > 0) {
            long[] accStrides = out.shape().contiguousStrides();
            for (int d = 0; d < rank; d++) {
                if (reduced[d]) {
                    accStrides[d] = 0;
                }
            }
            Loop loop = Loop.plan(x.shape().dims(), new long[] {x.offset(), 0}, x.strides(), accStrides);
            int n = loop.innerSize();
            int xs = loop.innerStride(0);
            int as = loop.innerStride(1);
            for (long r = 0; r < loop.rows(); r++, loop.next()) {
                if (xb.dtype() == DType.FLOAT32) {
                    Reductions.accumulate(op, xb.floats(), loop.offset(0), xs, acc, loop.offset(1), as, n);
                } else {
                    Reductions.accumulate(op, xb.doubles(), loop.offset(0), xs, acc, loop.offset(1), as, n);
                }
            }
        }
        writeReduced(out, ob, acc);
    }

    /**
     * SUM of a contiguous {@code x} whose kept axes form one block between reduced ones, {@code [A, C, B]}
     * with A and B reduced (a convolution's bias gradient: N, then C, then H x W), split over the pool by
     * ranges of C. Each output is summed in the generic loop's order (for a = 0, 1, ...: += the sum of its
     * run of B), so the bits are the same as the serial path. Returns false when the shape is not of
     * that form or too small to split.
     */
    private boolean sumMiddleAxes(StridedView x, boolean[] reduced, double[] acc, CpuBuffer xb) {
        int rank = reduced.length;
        int first = 0;
        while (first < rank && reduced[first]) {
            first++;
        }
        int last = rank - 1;
        while (last >= first && reduced[last]) {
            last--;
        }
        for (int d = first; d <= last; d++) {
            if (reduced[d]) {
                return false;
            }
        }
        long outer = 1;
        long middle = 1;
        long inner = 1;
        for (int d = 0; d < rank; d++) {
            long size = x.shape().dim(d);
            if (d < first) {
                outer *= size;
            } else if (d <= last) {
                middle *= size;
            } else {
                inner *= size;
            }
        }
        long total = outer * middle * inner;
        if (inner < 16 || middle < 2 || total < (1 << 16)) {
            return false;
        }
        int a = (int) outer;
        int c = (int) middle;
        int b = (int) inner;
        int base = (int) x.offset();
        Parallel par = parallelFor(total);
        int tasks = Math.min(c, 4 * par.threads());
        par.run(tasks, t -> {
            int c0 = Parallel.start(c, tasks, t);
            int c1 = Parallel.start(c, tasks, t + 1);
            for (int ci = c0; ci < c1; ci++) {
                double s = 0;
                for (int ai = 0; ai < a; ai++) {
                    int off = base + (ai * c + ci) * b;
                    s += xb.dtype() == DType.FLOAT32 ? Reductions.sumRun(xb.floats(), off, b)
                            : Reductions.sumRun(xb.doubles(), off, b);
                }
                acc[ci] = s;
            }
        });
        return true;
    }

    /** Writes the accumulators of a reduction (in the output's row-major order) into {@code out}. */
    private static void writeReduced(StridedView out, CpuBuffer ob, double[] acc) {
        Loop loop = Loop.plan(out.shape().dims(), new long[] {out.offset(), 0}, out.strides(),
                out.shape().contiguousStrides());
        int n = loop.innerSize();
        int ys = loop.innerStride(0);
        int as = loop.innerStride(1);
        for (long r = 0; r < loop.rows(); r++, loop.next()) {
            int yi = loop.offset(0);
            int ai = loop.offset(1);
            if (ob.dtype() == DType.FLOAT32) {
                float[] y = ob.floats();
                for (int i = 0; i < n; i++, yi += ys, ai += as) y[yi] = (float) acc[ai];
            } else {
                double[] y = ob.doubles();
                for (int i = 0; i < n; i++, yi += ys, ai += as) y[yi] = acc[ai];
            }
        }
    }

    private static Shape reducedShape(Shape shape, boolean[] reduced) {
        int[] dims = shape.dims();
        for (int d = 0; d < dims.length; d++) {
            if (reduced[d]) {
                dims[d] = 1;
            }
        }
        return Shape.of(dims);
    }

    @Override
    public void argmax(StridedView x, int axis, StridedView out) {
        String kernel = "argmax";
        CpuBuffer xb = own(x, kernel, "x");
        CpuBuffer ob = own(out, kernel, "out");
        if (ob.dtype() != DType.INT32) {
            throw new IllegalArgumentException(kernel + ": out must be INT32, got " + ob.dtype());
        }
        int a = x.shape().normalizeAxis(axis);
        Shape expected = x.shape().withDim(a, 1);
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException(kernel + ": x " + x.shape() + " along axis " + axis + " needs out "
                    + expected + ", got " + out.shape());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        int length = x.shape().dim(a);
        if (length == 0) {
            throw new IllegalArgumentException(kernel + ": x " + x.shape() + " has no elements along axis " + axis);
        }
        int along = Math.toIntExact(x.stride(a));
        Loop loop = Loop.plan(out.shape().dims(), new long[] {x.offset(), out.offset()}, x.strides(), out.strides());
        int n = loop.innerSize();
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        int[] y = ob.ints();
        for (long r = 0; r < loop.rows(); r++, loop.next()) {
            int xi = loop.offset(0);
            int yi = loop.offset(1);
            for (int i = 0; i < n; i++, xi += xs, yi += ys) {
                y[yi] = switch (xb.dtype()) {
                    case FLOAT32 -> Reductions.argmax(xb.floats(), xi, along, length);
                    case FLOAT64 -> Reductions.argmax(xb.doubles(), xi, along, length);
                    default -> Reductions.argmax(xb.ints(), xi, along, length);
                };
            }
        }
    }

    // ---- matmul ---------------------------------------------------------------------------------

    @Override
    public void matmul(StridedView a, StridedView b, StridedView out) {
        String kernel = "matmul";
        CpuBuffer ab = own(a, kernel, "a");
        CpuBuffer bb = own(b, kernel, "b");
        CpuBuffer ob = own(out, kernel, "out");
        floatOperands(kernel, out, a, b);
        if (a.rank() != 3 || b.rank() != 3 || out.rank() != 3) {
            throw new IllegalArgumentException(kernel + ": operands must be [B, M, K] @ [B, K, N] -> [B, M, N], got "
                    + a.shape() + " @ " + b.shape() + " -> " + out.shape());
        }
        int batch = out.shape().dim(0);
        int m = out.shape().dim(1);
        int n = out.shape().dim(2);
        int k = a.shape().dim(2);
        if (a.shape().dim(0) != batch || b.shape().dim(0) != batch || a.shape().dim(1) != m
                || b.shape().dim(1) != k || b.shape().dim(2) != n) {
            throw new IllegalArgumentException(kernel + ": shapes do not agree: " + a.shape() + " @ " + b.shape()
                    + " -> " + out.shape() + " (expected [B, M, K] @ [B, K, N] -> [B, M, N])");
        }
        if ((long) batch * m * n == 0) {
            return;
        }
        Parallel par = parallelFor((long) batch * m * n * Math.max(k, 1));
        int ao = (int) a.offset();
        int bo = (int) b.offset();
        int oo = (int) out.offset();
        int[] sa = intStrides(a);
        int[] sb = intStrides(b);
        int[] so = intStrides(out);
        if (ob.dtype() == DType.FLOAT32) {
            FloatKernels.matmul(kernels.floats, par, batch, m, n, k, ab.floats(), ao, sa[0], sa[1], sa[2], bb.floats(), bo, sb[0], sb[1],
                    sb[2], ob.floats(), oo, so[0], so[1], so[2]);
        } else {
            DoubleKernels.matmul(kernels.doubles, par, batch, m, n, k, ab.doubles(), ao, sa[0], sa[1], sa[2], bb.doubles(), bo, sb[0],
                    sb[1], sb[2], ob.doubles(), oo, so[0], so[1], so[2]);
        }
    }

    private static int[] intStrides(StridedView v) {
        long[] s = v.strides();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = Math.toIntExact(s[i]);
        }
        return r;
    }

    // ---- convolution ----------------------------------------------------------------------------

    private ConvGeometry convGeometry(String kernel, Shape x, Shape w, Shape out, ConvSpec spec) {
        Objects.requireNonNull(spec, "spec").checkShapes(kernel, x, w, out);
        int n = x.dim(0);
        int c = x.dim(1);
        int cout = w.dim(0);
        int oh = out.dim(2);
        int ow = out.dim(3);
        return new ConvGeometry(n, c, x.dim(2), x.dim(3), cout, w.dim(2), w.dim(3), oh, ow, spec);
    }

    private Parallel parallelFor(long work) {
        return kernels.parallel.above(work);
    }

    @Override
    public void conv2d(StridedView x, StridedView w, StridedView bias, StridedView out, ConvSpec spec) {
        String kernel = "conv2d";
        own(x, kernel, "x");
        own(w, kernel, "w");
        own(out, kernel, "out");
        if (bias != null) {
            own(bias, kernel, "bias");
            floatOperands(kernel, out, x, w, bias);
        } else {
            floatOperands(kernel, out, x, w);
        }
        ConvGeometry q = convGeometry(kernel, x.shape(), w.shape(), out.shape(), spec);
        if (bias != null && !bias.shape().equals(Shape.of(q.cout()))) {
            throw new IllegalArgumentException(kernel + ": bias must be [" + q.cout() + "], got " + bias.shape());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        Parallel par = parallelFor((long) q.n() * q.cout() * q.r() * q.p());
        Dense dx = dense(x);
        Dense dw = dense(w);
        Dense db = bias == null ? null : dense(bias);
        Dense dout = denseOut(out);
        if (out.dtype() == DType.FLOAT32) {
            FloatConv.forward(kernels.floats, par, q, dx.f, dx.off, dw.f, dw.off, db == null ? null : db.f,
                    db == null ? 0 : db.off, dout.f, dout.off);
        } else {
            DoubleConv.forward(kernels.doubles, par, q, dx.d, dx.off, dw.d, dw.off, db == null ? null : db.d,
                    db == null ? 0 : db.off, dout.d, dout.off);
        }
        writeBack(dout, out);
    }

    @Override
    public void conv2dBackwardData(StridedView gradOut, StridedView w, StridedView gradInput, ConvSpec spec) {
        String kernel = "conv2dBackwardData";
        own(gradOut, kernel, "gradOut");
        own(w, kernel, "w");
        own(gradInput, kernel, "gradInput");
        floatOperands(kernel, gradInput, gradOut, w);
        ConvGeometry q = convGeometry(kernel, gradInput.shape(), w.shape(), gradOut.shape(), spec);
        if (gradInput.shape().numel() == 0) {
            return;
        }
        Parallel par = parallelFor((long) q.n() * q.cout() * q.r() * q.p());
        Dense dg = dense(gradOut);
        Dense dw = dense(w);
        Dense dx = denseOut(gradInput);
        if (gradInput.dtype() == DType.FLOAT32) {
            FloatConv.backwardData(kernels.floats, par, q, dg.f, dg.off, dw.f, dw.off, dx.f, dx.off);
        } else {
            DoubleConv.backwardData(kernels.doubles, par, q, dg.d, dg.off, dw.d, dw.off, dx.d, dx.off);
        }
        writeBack(dx, gradInput);
    }

    @Override
    public void conv2dBackwardWeights(StridedView x, StridedView gradOut, StridedView gradWeight, ConvSpec spec) {
        String kernel = "conv2dBackwardWeights";
        own(x, kernel, "x");
        own(gradOut, kernel, "gradOut");
        own(gradWeight, kernel, "gradWeight");
        floatOperands(kernel, gradWeight, x, gradOut);
        ConvGeometry q = convGeometry(kernel, x.shape(), gradWeight.shape(), gradOut.shape(), spec);
        if (gradWeight.shape().numel() == 0) {
            return;
        }
        Parallel par = parallelFor((long) q.n() * q.cout() * q.r() * q.p());
        Dense dx = dense(x);
        Dense dg = dense(gradOut);
        Dense dw = denseOut(gradWeight);
        if (gradWeight.dtype() == DType.FLOAT32) {
            FloatConv.backwardWeights(kernels.floats, par, q, dx.f, dx.off, dg.f, dg.off, dw.f, dw.off);
        } else {
            DoubleConv.backwardWeights(kernels.doubles, par, q, dx.d, dx.off, dg.d, dg.off, dw.d, dw.off);
        }
        writeBack(dw, gradWeight);
    }

    // ---- pooling --------------------------------------------------------------------------------

    private static int[] poolGeometry(String kernel, Shape x, Shape out, PoolSpec spec) {
        Objects.requireNonNull(spec, "spec").checkShapes(kernel, x, out);
        int oh = out.dim(2);
        int ow = out.dim(3);
        return new int[] {x.dim(0) * x.dim(1), x.dim(2), x.dim(3), oh, ow};
    }

    /**
     * Whether the SIMD max-pooling kernel takes this FLOAT32 pooling: the plain 2x2 window, and every
     * window inside the input ({@link PoolSpec#outHeight} gives 1 for a height of 1).
     */
    private boolean plain2x2Simd(PoolSpec spec, int[] g) {
        return kernels.pool != null && FloatKernels.isPlain2x2(spec) && 2 * g[3] <= g[1] && 2 * g[4] <= g[2];
    }

    @Override
    public void pool2d(PoolOp op, StridedView x, StridedView out, PoolSpec spec) {
        Objects.requireNonNull(op, "op");
        String kernel = "pool2d " + op;
        own(x, kernel, "x");
        own(out, kernel, "out");
        floatOperands(kernel, out, x);
        int[] g = poolGeometry(kernel, x.shape(), out.shape(), spec);
        if (out.shape().numel() == 0) {
            return;
        }
        Parallel par = parallelFor(out.shape().numel() * spec.kernelH() * spec.kernelW());
        Dense dx = dense(x);
        Dense dout = denseOut(out);
        boolean max = op == PoolOp.MAX;
        if (out.dtype() == DType.FLOAT32 && max && plain2x2Simd(spec, g)) {
            kernels.pool.max2x2All(dx.f, dx.off, dout.f, dout.off, g[0], g[1], g[2], g[3], g[4], par);
        } else if (out.dtype() == DType.FLOAT32) {
            FloatKernels.pool2dAll(max, spec, dx.f, dx.off, dout.f, dout.off, g[0], g[1], g[2], g[3], g[4], par);
        } else {
            DoubleKernels.pool2dAll(max, spec, dx.d, dx.off, dout.d, dout.off, g[0], g[1], g[2], g[3], g[4], par);
        }
        writeBack(dout, out);
    }

    @Override
    public void pool2dBackward(PoolOp op, StridedView x, StridedView gradOut, StridedView gradInput, PoolSpec spec) {
        Objects.requireNonNull(op, "op");
        String kernel = "pool2dBackward " + op;
        own(x, kernel, "x");
        own(gradOut, kernel, "gradOut");
        own(gradInput, kernel, "gradInput");
        floatOperands(kernel, gradInput, x, gradOut);
        sameShape(kernel, x, gradInput);
        int[] g = poolGeometry(kernel, x.shape(), gradOut.shape(), spec);
        if (gradInput.shape().numel() == 0) {
            return;
        }
        Parallel par = parallelFor(gradOut.shape().numel() * spec.kernelH() * spec.kernelW());
        Dense dx = dense(x);
        Dense dg = dense(gradOut);
        Dense dgi = denseOut(gradInput);
        boolean max = op == PoolOp.MAX;
        if (gradInput.dtype() == DType.FLOAT32 && max && plain2x2Simd(spec, g)) {
            kernels.pool.max2x2BackwardAll(dx.f, dx.off, dg.f, dg.off, dgi.f, dgi.off, g[0], g[1], g[2], g[3], g[4],
                    par);
        } else if (gradInput.dtype() == DType.FLOAT32) {
            FloatKernels.pool2dBackwardAll(max, spec, dx.f, dx.off, dg.f, dg.off, dgi.f, dgi.off, g[0], g[1], g[2],
                    g[3], g[4], par);
        } else {
            DoubleKernels.pool2dBackwardAll(max, spec, dx.d, dx.off, dg.d, dg.off, dgi.d, dgi.off, g[0], g[1], g[2],
                    g[3], g[4], par);
        }
        writeBack(dgi, gradInput);
    }

    // ---- random numbers -------------------------------------------------------------------------

    @Override
    public void fillRandom(RandomSpec distribution, long seed, long counter, StridedView out) {
        Objects.requireNonNull(distribution, "distribution");
        String kernel = "fillRandom";
        CpuBuffer ob = own(out, kernel, "out");
        if (!ob.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(kernel + ": out must be FLOAT32 or FLOAT64, got " + ob.dtype());
        }
        if (!out.isContiguous()) {
            throw new IllegalArgumentException(kernel + ": out must be contiguous, got " + out);
        }
        int count = Math.toIntExact(out.shape().numel());
        int base = (int) out.offset();
        Parallel par = parallelFor(count * 64L);
        int tasks = 4 * par.threads();
        par.run(tasks, t -> {
            int from = Parallel.start(count, tasks, t);
            int to = Parallel.start(count, tasks, t + 1);
            int[] words = new int[4];
            if (ob.dtype() == DType.FLOAT32) {
                float[] y = ob.floats();
                for (int i = from; i < to; i++) {
                    CounterRandom.philox(seed, counter + i, words);
                    y[base + i] = CounterRandom.sampleFloat(distribution, words);
                }
            } else {
                double[] y = ob.doubles();
                for (int i = from; i < to; i++) {
                    CounterRandom.philox(seed, counter + i, words);
                    y[base + i] = CounterRandom.sampleDouble(distribution, words);
                }
            }
        });
    }

    // ---- operand checks and dense copies --------------------------------------------------------

    private void checkOpen(String kernel) {
        if (closed) {
            throw new IllegalStateException(kernel + ": the cpu backend has been closed");
        }
    }

    private CpuBuffer own(StridedView view, String kernel, String role) {
        Objects.requireNonNull(view, () -> kernel + ": " + role + " is null");
        return own(view.buffer(), kernel, role);
    }

    private CpuBuffer own(DeviceBuffer buffer, String kernel, String role) {
        Objects.requireNonNull(buffer, () -> kernel + ": " + role + " is null");
        checkOpen(kernel);
        if (!(buffer instanceof CpuBuffer cb) || cb.owner() != this) {
            throw new IllegalArgumentException(kernel + ": " + role + " is a buffer of another backend or device ("
                    + buffer + "); copy it to " + device.id() + " first");
        }
        if (cb.isReleased()) {
            throw new IllegalStateException(kernel + ": " + role + " uses a released buffer (" + buffer + ")");
        }
        return cb;
    }

    private static void floatOperands(String kernel, StridedView out, StridedView... inputs) {
        DType t = out.dtype();
        boolean ok = t.isFloatingPoint();
        for (StridedView v : inputs) {
            ok &= v.dtype() == t;
        }
        if (!ok) {
            StringBuilder sb = new StringBuilder(kernel).append(": operands must all be FLOAT32 or all FLOAT64, got ");
            for (StridedView v : inputs) {
                sb.append(v.dtype()).append(' ').append(v.shape()).append(", ");
            }
            sb.append("out ").append(t).append(' ').append(out.shape());
            throw new IllegalArgumentException(sb.toString());
        }
    }

    private static void sameShape(String kernel, StridedView out, StridedView... inputs) {
        for (StridedView v : inputs) {
            if (!v.shape().equals(out.shape())) {
                throw new IllegalArgumentException(kernel + ": operand of shape " + v.shape() + " (" + v.dtype()
                        + ") does not match the output shape " + out.shape() + "; broadcast it with 0 strides first");
            }
        }
    }

    /** A row-major array region holding a view's elements: the buffer itself, or a packed copy. */
    private static final class Dense {
        float[] f;
        double[] d;
        int off;
        boolean copied;
    }

    private static Dense dense(StridedView v) {
        CpuBuffer b = (CpuBuffer) v.buffer();
        Dense r = new Dense();
        if (v.isContiguous()) {
            r.f = b.floats();
            r.d = b.doubles();
            r.off = (int) v.offset();
            return r;
        }
        int count = Math.toIntExact(v.shape().numel());
        r.copied = true;
        Loop loop = Loop.plan(v.shape().dims(), new long[] {v.offset(), 0}, v.strides(), v.shape().contiguousStrides());
        int n = loop.innerSize();
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        if (b.dtype() == DType.FLOAT32) {
            r.f = new float[count];
            for (long row = 0; row < loop.rows(); row++, loop.next()) {
                Elementwise.unary(UnaryOp.IDENTITY, b.floats(), loop.offset(0), xs, r.f, loop.offset(1), ys, n);
            }
        } else {
            r.d = new double[count];
            for (long row = 0; row < loop.rows(); row++, loop.next()) {
                Elementwise.unary(UnaryOp.IDENTITY, b.doubles(), loop.offset(0), xs, r.d, loop.offset(1), ys, n);
            }
        }
        return r;
    }

    /** The output's own array when it is contiguous, otherwise a scratch array to {@link #writeBack}. */
    private static Dense denseOut(StridedView v) {
        CpuBuffer b = (CpuBuffer) v.buffer();
        Dense r = new Dense();
        if (v.isContiguous()) {
            r.f = b.floats();
            r.d = b.doubles();
            r.off = (int) v.offset();
            return r;
        }
        int count = Math.toIntExact(v.shape().numel());
        r.copied = true;
        if (b.dtype() == DType.FLOAT32) {
            r.f = new float[count];
        } else {
            r.d = new double[count];
        }
        return r;
    }

    private static void writeBack(Dense src, StridedView v) {
        if (!src.copied) {
            return;
        }
        CpuBuffer b = (CpuBuffer) v.buffer();
        Loop loop = Loop.plan(v.shape().dims(), new long[] {0, v.offset()}, v.shape().contiguousStrides(), v.strides());
        int n = loop.innerSize();
        int xs = loop.innerStride(0);
        int ys = loop.innerStride(1);
        for (long row = 0; row < loop.rows(); row++, loop.next()) {
            if (b.dtype() == DType.FLOAT32) {
                Elementwise.unary(UnaryOp.IDENTITY, src.f, loop.offset(0), xs, b.floats(), loop.offset(1), ys, n);
            } else {
                Elementwise.unary(UnaryOp.IDENTITY, src.d, loop.offset(0), xs, b.doubles(), loop.offset(1), ys, n);
            }
        }
    }
}

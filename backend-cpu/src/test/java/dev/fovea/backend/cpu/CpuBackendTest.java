package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import java.nio.FloatBuffer;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** CPU-specific behaviour the conformance suite does not cover: discovery, limits, parallel splits. */
class CpuBackendTest {
    private final CpuBackendProvider provider = new CpuBackendProvider();
    private final DeviceInfo device = provider.devices().get(0);
    private final CpuBackend parallel = new CpuBackend(device, true);
    private final CpuBackend serial = new CpuBackend(device, false);

    @Test
    void providerIsDiscoveredAndDescribesOneCpuDevice() {
        BackendProvider found = ServiceLoader.load(BackendProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("cpu"))
                .findFirst()
                .orElseThrow();
        assertEquals(CpuBackendProvider.class, found.getClass());
        assertEquals(10, found.rank());
        assertTrue(found.availability().isAvailable());
        assertEquals(1, found.devices().size());
        DeviceInfo d = found.devices().get(0);
        int threads = Runtime.getRuntime().availableProcessors();
        assertEquals("cpu:0", d.id());
        assertEquals(DeviceKind.CPU, d.kind());
        assertEquals(threads, d.computeUnits());
        assertEquals(Runtime.getRuntime().maxMemory(), d.memoryBytes());
        assertTrue(d.supportsFloat64());
        assertTrue(d.name().endsWith("(" + threads + " threads)"), d.name());
        try (Backend b = found.open(0)) {
            assertEquals("cpu", b.name());
            assertSame(d, b.device());
        }
        assertThrows(IllegalArgumentException.class, () -> found.open(1));
    }

    @Test
    void allocationBeyondAnArrayNamesTheSize() {
        long tooMany = Integer.MAX_VALUE + 1L;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parallel.allocate(DType.FLOAT32, tooMany));
        assertTrue(e.getMessage().contains(String.valueOf(tooMany)), e.getMessage());
    }

    @Test
    void releasedBuffersAndClosedBackendsAreRejected() {
        CpuBackend b = new CpuBackend(device, true);
        DeviceBuffer buf = b.allocate(DType.FLOAT32, 4);
        StridedView v = StridedView.contiguous(buf, Shape.of(4));
        buf.close();
        assertTrue(buf.isReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.fill(v, 1));
        assertTrue(e.getMessage().contains("fill"), e.getMessage());
        DeviceBuffer other = b.allocate(DType.FLOAT32, 4);
        b.close();
        assertTrue(other.isReleased());
        assertThrows(IllegalStateException.class, () -> b.allocate(DType.FLOAT32, 1));
        StridedView stale = StridedView.contiguous(other, Shape.of(4));
        assertThrows(IllegalStateException.class, () -> b.fill(stale, 1));
    }

    @Test
    void buffersOfAnotherCpuBackendAreRejected() {
        DeviceBuffer mine = parallel.allocate(DType.FLOAT32, 4);
        DeviceBuffer theirs = serial.allocate(DType.FLOAT32, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parallel.unary(UnaryOp.NEG, StridedView.contiguous(theirs, Shape.of(4)),
                        StridedView.contiguous(mine, Shape.of(4))));
        assertTrue(e.getMessage().contains("unary NEG") && e.getMessage().contains("x"), e.getMessage());
    }

    // ---- parallel and serial paths give identical bits ------------------------------------------

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextDouble(-1, 1);
        }
        return f;
    }

    private static StridedView upload(CpuBackend b, Shape shape, float[] data) {
        DeviceBuffer buf = b.allocate(DType.FLOAT32, data.length);
        b.upload(FloatBuffer.wrap(data), buf, 0);
        return StridedView.contiguous(buf, shape);
    }

    private static StridedView zeros(CpuBackend b, Shape shape) {
        StridedView v = StridedView.contiguous(b.allocate(DType.FLOAT32, shape.numel()), shape);
        b.fill(v, 0);
        return v;
    }

    private static float[] download(CpuBackend b, StridedView v) {
        float[] f = new float[Math.toIntExact(v.shape().numel())];
        b.download(v.buffer(), v.offset(), FloatBuffer.wrap(f));
        return f;
    }

    /** Runs the same LeNet-sized layer on both backends and returns {parallel, serial} results. */
    private interface Kernel {
        StridedView run(CpuBackend b);
    }

    private void assertSameBits(String what, Kernel kernel) {
        float[] p = download(parallel, kernel.run(parallel));
        float[] s = download(serial, kernel.run(serial));
        assertArrayEquals(s, p, what + ": parallel and serial results differ");
    }

    @Test
    void theSplitBiasGradientSumHasTheBitsOfTheGenericLoop() {
        // [N, C, H, W] summed over N, H, W: contiguous x takes the path split over channels; the same
        // values in a padded (non-contiguous) view take the generic loop
        int n = 8;
        int c = 16;
        int hw = 24 * 24;
        float[] x = randomFloats(n * c * hw, 5);
        float[] padded = new float[n * c * (hw + 3)];
        for (int row = 0; row < n * c; row++) {
            System.arraycopy(x, row * hw, padded, row * (hw + 3), hw);
        }
        Shape xs = Shape.of(n, c, 24, 24);
        Shape os = Shape.of(1, c, 1, 1);
        StridedView dense = upload(parallel, xs, x);
        StridedView paddedView = new StridedView(upload(parallel, Shape.of(padded.length), padded).buffer(), 0, xs,
                new long[] {(long) c * (hw + 3), hw + 3, 24, 1});
        StridedView fast = zeros(parallel, os);
        StridedView generic = zeros(parallel, os);
        parallel.reduce(ReduceOp.SUM, dense, new int[] {0, 2, 3}, fast);
        parallel.reduce(ReduceOp.SUM, paddedView, new int[] {0, 2, 3}, generic);
        assertArrayEquals(download(parallel, generic), download(parallel, fast));
        float[] sums = download(parallel, fast);
        for (int ci = 0; ci < c; ci++) {
            double expected = 0;
            for (int ni = 0; ni < n; ni++) {
                for (int i = 0; i < hw; i++) {
                    expected += x[(ni * c + ci) * hw + i];
                }
            }
            assertEquals(expected, sums[ci], 1e-4, "channel " + ci);
        }
        assertSameBits("reduce SUM [0, 2, 3]", b -> {
            StridedView out = zeros(b, os);
            b.reduce(ReduceOp.SUM, upload(b, xs, x), new int[] {0, 2, 3}, out);
            return out;
        });
    }

    @Test
    void parallelAndSerialConvolutionAgreeBitForBit() {
        Shape xs = Shape.of(16, 6, 14, 14);
        Shape ws = Shape.of(16, 6, 5, 5);
        Shape os = Shape.of(16, 16, 14, 14);
        ConvSpec spec = ConvSpec.of(1, 2, 1, 1);
        float[] x = randomFloats((int) xs.numel(), 1);
        float[] w = randomFloats((int) ws.numel(), 2);
        float[] bias = randomFloats(16, 3);
        float[] g = randomFloats((int) os.numel(), 4);
        assertSameBits("conv2d", b -> {
            StridedView out = zeros(b, os);
            b.conv2d(upload(b, xs, x), upload(b, ws, w), upload(b, Shape.of(16), bias), out, spec);
            return out;
        });
        assertSameBits("conv2dBackwardData", b -> {
            StridedView out = zeros(b, xs);
            b.conv2dBackwardData(upload(b, os, g), upload(b, ws, w), out, spec);
            return out;
        });
        assertSameBits("conv2dBackwardWeights", b -> {
            StridedView out = zeros(b, ws);
            b.conv2dBackwardWeights(upload(b, xs, x), upload(b, os, g), out, spec);
            return out;
        });
    }

    @Test
    void parallelAndSerialMatmulPoolAndRandomAgreeBitForBit() {
        float[] a = randomFloats(3 * 67 * 129, 5);
        float[] m = randomFloats(3 * 129 * 45, 6);
        assertSameBits("matmul", b -> {
            StridedView out = zeros(b, Shape.of(3, 67, 45));
            b.matmul(upload(b, Shape.of(3, 67, 129), a), upload(b, Shape.of(3, 129, 45), m), out);
            return out;
        });
        float[] x = randomFloats(32 * 8 * 28 * 28, 7);
        Shape xs = Shape.of(32, 8, 28, 28);
        PoolSpec spec = new PoolSpec(3, 3, 2, 2, 1, 1, false);
        Shape os = Shape.of(32, 8, spec.outHeight(28), spec.outWidth(28));
        float[] g = randomFloats((int) os.numel(), 8);
        for (PoolOp op : PoolOp.values()) {
            assertSameBits("pool2d " + op, b -> {
                StridedView out = zeros(b, os);
                b.pool2d(op, upload(b, xs, x), out, spec);
                return out;
            });
            assertSameBits("pool2dBackward " + op, b -> {
                StridedView out = zeros(b, xs);
                b.pool2dBackward(op, upload(b, xs, x), upload(b, os, g), out, spec);
                return out;
            });
        }
        assertSameBits("fillRandom", b -> {
            StridedView out = zeros(b, Shape.of(100_003));
            b.fillRandom(RandomSpec.normal(0, 1), 99, 12345, out);
            return out;
        });
    }

    @Test
    void convolutionAcceptsNonContiguousOperands() {
        // x stored as [N, C, W, H] and viewed transposed in its last two axes; out written with padded rows.
        Shape xs = Shape.of(2, 3, 5, 6);
        float[] x = randomFloats(180, 9);
        float[] w = randomFloats(4 * 3 * 3 * 3, 10);
        float[] transposedStorage = new float[180];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 5; y++) {
                    for (int xx = 0; xx < 6; xx++) {
                        transposedStorage[((n * 3 + c) * 6 + xx) * 5 + y] = x[((n * 3 + c) * 5 + y) * 6 + xx];
                    }
                }
            }
        }
        CpuBackend b = serial;
        StridedView dense = upload(b, xs, x);
        StridedView strided = new StridedView(upload(b, Shape.of(180), transposedStorage).buffer(), 0, xs,
                new long[] {90, 30, 1, 5});
        StridedView wv = upload(b, Shape.of(4, 3, 3, 3), w);
        Shape os = Shape.of(2, 4, 5, 6);
        StridedView expected = zeros(b, os);
        b.conv2d(dense, wv, null, expected, ConvSpec.of(1, 1, 1, 1));
        StridedView paddedOut = new StridedView(b.allocate(DType.FLOAT32, 2 * 4 * 5 * 7), 0, os,
                new long[] {140, 35, 7, 1});
        b.conv2d(strided, wv, null, paddedOut, ConvSpec.of(1, 1, 1, 1));
        float[] want = download(b, expected);
        float[] raw = download(b, new StridedView(paddedOut.buffer(), 0, Shape.of(280), new long[] {1}));
        for (int i = 0; i < want.length; i++) {
            int n = i / 120;
            int c = i / 30 % 4;
            int y = i / 6 % 5;
            int xx = i % 6;
            assertEquals(want[i], raw[n * 140 + c * 35 + y * 7 + xx], 0f, "element " + i);
        }
    }

    @Test
    void loopMergesContiguousDimensionsAndDropsUnitOnes() {
        Loop dense = Loop.plan(new int[] {2, 1, 3, 4}, new long[] {0, 5}, new long[] {12, 12, 4, 1},
                new long[] {12, 99, 4, 1});
        assertEquals(1, dense.rows());
        assertEquals(24, dense.innerSize());
        Loop broadcastRows = Loop.plan(new int[] {3, 4}, new long[] {0, 0}, new long[] {4, 1}, new long[] {0, 1});
        assertEquals(3, broadcastRows.rows());
        assertEquals(4, broadcastRows.innerSize());
        broadcastRows.next();
        assertEquals(4, broadcastRows.offset(0));
        assertEquals(0, broadcastRows.offset(1));
        Loop scalar = Loop.plan(new int[0], new long[] {7}, new long[0]);
        assertEquals(1, scalar.rows());
        assertEquals(1, scalar.innerSize());
        assertEquals(7, scalar.offset(0));
    }
}

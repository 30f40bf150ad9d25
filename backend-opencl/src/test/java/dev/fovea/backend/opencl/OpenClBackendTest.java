package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.CounterRandom;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.TransferStats;
import dev.fovea.api.backend.UnaryOp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the conformance suite cannot see: program caching, the local-memory guard, the buffer pool and
 * budget, transfer counters, bit-exact random numbers at scale, and the rank limit. One backend serves
 * every test (PoCL compiles slowly); counters are compared before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClBackendTest {
    private final OpenClBackendProvider provider = new OpenClBackendProvider();
    private OpenClBackend backend;

    @BeforeAll
    void open() {
        OpenClTestSupport.requireDevices();
        backend = (OpenClBackend) provider.open(provider.defaultDeviceIndex());
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private DeviceBuffer floats(float... values) {
        DeviceBuffer b = backend.allocate(DType.FLOAT32, values.length);
        backend.upload(FloatBuffer.wrap(values), b, 0);
        return b;
    }

    private float[] read(DeviceBuffer b) {
        FloatBuffer out = FloatBuffer.allocate(Math.toIntExact(b.elements()));
        backend.download(b, 0, out);
        return out.array();
    }

    // ---- program ------------------------------------------------------------------------------

    @Test
    void theProgramIsBuiltOncePerDeviceAndSharedByEveryBackend() {
        int before = OpenClContext.programBuilds();
        assertTrue(before >= 1, "opening a backend built the program");
        for (int i = 0; i < 3; i++) {
            try (OpenClBackend other = (OpenClBackend) provider.open(provider.defaultDeviceIndex())) {
                DeviceBuffer x = other.allocate(DType.FLOAT32, 4);
                other.fill(StridedView.contiguous(x, Shape.of(4)), 2);
                FloatBuffer out = FloatBuffer.allocate(4);
                other.download(x, 0, out);
                assertArrayEquals(new float[] {2, 2, 2, 2}, out.array());
            }
        }
        assertEquals(before, OpenClContext.programBuilds(), "no backend rebuilt the program");
    }

    @Test
    void theProgramHoldsBothPrecisionsFromOneTemplate() {
        String source = OpenClContext.programSource(true);
        assertTrue(source.contains("#pragma OPENCL FP_CONTRACT OFF"));
        assertTrue(source.contains("#define K(name) name##_f32") && source.contains("#define K(name) name##_f64"));
        assertFalse(OpenClContext.programSource(false).contains("#define K(name) name##_f64"));
    }

    // ---- local memory -------------------------------------------------------------------------

    @Test
    void anOversizedMatmulTileIsRejectedBeforeItCanCrashTheDevice() {
        long local = backend.openClDevice().localMemoryBytes();
        int tile = (int) Math.ceil(Math.sqrt(local / 8.0)) + 1; // 2 * tile^2 * 4 bytes > local
        StridedView a = StridedView.contiguous(floats(1, 2, 3, 4), Shape.of(1, 2, 2));
        StridedView b = StridedView.contiguous(floats(1, 0, 0, 1), Shape.of(1, 2, 2));
        StridedView out = StridedView.contiguous(backend.allocate(DType.FLOAT32, 4), Shape.of(1, 2, 2));
        long launches = backend.stats().kernelLaunches();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.matmul(a, b, out, tile));
        assertTrue(e.getMessage().contains("local memory") && e.getMessage().contains(String.valueOf(local)),
                e.getMessage());
        assertEquals(launches, backend.stats().kernelLaunches(), "nothing was launched");
        backend.matmul(a, b, out); // the backend is fine afterwards
        assertArrayEquals(new float[] {1, 2, 3, 4}, read(out.buffer()));
        closeAll(a, b, out);
    }

    /** Tests here close what they allocate, so that only the Cleaner test leaves anything to the Cleaner. */
    private static void closeAll(StridedView... views) {
        for (StridedView v : views) {
            v.buffer().close();
        }
    }

    // ---- memory pool and budget ---------------------------------------------------------------

    @Test
    void closedBuffersAreReusedInsteadOfCreatedAgain() {
        DeviceBuffer first = backend.allocate(DType.FLOAT32, 1000);
        first.close();
        assertTrue(first.isReleased());
        OpenClStats before = backend.stats();
        DeviceBuffer second = backend.allocate(DType.FLOAT32, 1000);
        OpenClStats after = backend.stats();
        assertEquals(before.buffersCreated(), after.buffersCreated(), "no new clCreateBuffer");
        assertEquals(before.buffersReused() + 1, after.buffersReused());
        second.close();
        second.close(); // idempotent
        assertEquals(before.bytesInUse(), backend.stats().bytesInUse());
    }

    @Test
    void bytesInUseReturnToTheStartAfterManyAllocateCloseCycles() {
        long start = backend.stats().bytesInUse();
        long created = backend.stats().buffersCreated();
        for (int step = 0; step < 300; step++) {
            List<DeviceBuffer> held = new ArrayList<>();
            for (int size : new int[] {1, 100, 1000 + step % 7, 4096, 65536}) {
                held.add(backend.allocate(step % 2 == 0 ? DType.FLOAT32 : DType.INT32, size));
            }
            assertTrue(backend.stats().bytesInUse() > start);
            held.forEach(DeviceBuffer::close);
            assertEquals(start, backend.stats().bytesInUse(), "step " + step);
        }
        assertTrue(backend.stats().buffersCreated() - created <= 10,
                "the pool serves repeated sizes: " + (backend.stats().buffersCreated() - created) + " buffers created");
    }

    @Test
    void bucketsWasteLessThanAQuarter() {
        assertEquals(256, OpenClMemory.bucket(0));
        assertEquals(256, OpenClMemory.bucket(256));
        assertEquals(320, OpenClMemory.bucket(257));
        assertEquals(384, OpenClMemory.bucket(321));
        assertEquals(512, OpenClMemory.bucket(449));
        assertEquals(640, OpenClMemory.bucket(513));
        assertEquals(1L << 30, OpenClMemory.bucket((1L << 30) - 1));
        for (long bytes = 1; bytes < 100_000_000; bytes = bytes * 9 / 8 + 1) {
            long b = OpenClMemory.bucket(bytes);
            assertTrue(b >= bytes && (bytes <= 256 || (b - bytes) * 4 < bytes), bytes + " -> " + b);
            assertEquals(b, OpenClMemory.bucket(b), "a bucket is its own bucket");
        }
    }

    @Test
    void runningOutOfTheBudgetNamesTheSizeAndTheBudget() {
        System.setProperty(OpenClBackend.MEMORY_LIMIT_PROPERTY, "1m");
        OpenClBackend small;
        try {
            small = (OpenClBackend) provider.open(provider.defaultDeviceIndex());
        } finally {
            System.clearProperty(OpenClBackend.MEMORY_LIMIT_PROPERTY);
        }
        try (small) {
            assertEquals(1L << 20, small.stats().budgetBytes());
            IllegalStateException tooBig = assertThrows(IllegalStateException.class,
                    () -> small.allocate(DType.FLOAT32, 1_000_000));
            assertTrue(tooBig.getMessage().contains("1000000 FLOAT32 elements")
                    && tooBig.getMessage().contains("4000000 bytes")
                    && tooBig.getMessage().contains("budget of 1048576 bytes")
                    && tooBig.getMessage().contains(OpenClBackend.MEMORY_LIMIT_PROPERTY), tooBig.getMessage());

            DeviceBuffer a = small.allocate(DType.FLOAT32, 131_072); // 512 KiB exactly
            DeviceBuffer b = small.allocate(DType.FLOAT32, 131_072);
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> small.allocate(DType.FLOAT32, 100_000));
            assertTrue(full.getMessage().contains("400000 bytes")
                    && full.getMessage().contains("1048576 of the budget of 1048576 bytes are in use"), full.getMessage());
            a.close();
            small.allocate(DType.FLOAT32, 131_072).close(); // room again, from the pool
            b.close();
            // Pooled buffers of another size are given back to make room.
            DeviceBuffer big = small.allocate(DType.FLOAT64, 131_072);
            assertEquals(1L << 20, small.stats().bytesInUse());
            assertEquals(0, small.stats().pooledBytes());
            big.close();
        }
    }

    @Test
    void theBudgetPropertyAcceptsUnits() {
        assertEquals(123, OpenClBackend.memoryBudget("123", 7));
        assertEquals(512L << 20, OpenClBackend.memoryBudget(" 512M ", 7));
        assertEquals(2L << 30, OpenClBackend.memoryBudget("2g", 7));
        assertEquals(7, OpenClBackend.memoryBudget(null, 7));
        assertThrows(IllegalArgumentException.class, () -> OpenClBackend.memoryBudget("lots", 7));
        assertThrows(IllegalArgumentException.class, () -> OpenClBackend.memoryBudget("-5", 7));
    }

    @Test
    void aBufferDroppedWithoutCloseComesBackThroughTheCleaner() throws InterruptedException {
        long start = backend.stats().bytesInUse();
        allocateAndDrop();
        long dropped = OpenClMemory.bucket(12345 * 4);
        assertEquals(start + dropped, backend.stats().bytesInUse());
        for (int i = 0; i < 200 && backend.stats().bytesInUse() > start; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(backend.stats().bytesInUse() <= start, "the Cleaner returned the dropped buffer: "
                + backend.stats().bytesInUse() + " bytes in use, " + start + " before");
    }

    private void allocateAndDrop() {
        backend.allocate(DType.FLOAT32, 12345);
    }

    @Test
    void closingTheBackendReleasesEverything() {
        OpenClBackend other = (OpenClBackend) provider.open(provider.defaultDeviceIndex());
        DeviceBuffer live = other.allocate(DType.FLOAT32, 10);
        other.allocate(DType.FLOAT32, 20).close();
        assertTrue(other.stats().pooledBytes() > 0);
        other.close();
        assertTrue(live.isReleased());
        OpenClStats stats = other.stats();
        assertEquals(0, stats.bytesInUse());
        assertEquals(0, stats.pooledBytes());
        assertEquals(stats.buffersCreated(), stats.buffersReleased());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.allocate(DType.FLOAT32, 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> other.fill(StridedView.contiguous(live, Shape.of(10)), 1));
        live.close(); // harmless after the backend closed
    }

    @Test
    void usingAClosedBufferFailsClearly() {
        DeviceBuffer b = backend.allocate(DType.FLOAT32, 4);
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend.fill(StridedView.contiguous(b, Shape.of(4)), 1));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    // ---- transfers ------------------------------------------------------------------------------

    @Test
    void transferCountersCountExactlyTheCopiesMade() {
        OpenClStats before = backend.stats();
        DeviceBuffer x = floats(1, 2, 3, 4, 5);                       // upload 1: 20 bytes
        DeviceBuffer y = backend.allocate(DType.FLOAT32, 5);
        backend.upload(FloatBuffer.wrap(new float[] {1, 1}), y, 3);   // upload 2: 8 bytes
        backend.upload(FloatBuffer.allocate(0), y, 0);                // moves nothing: not a transfer
        StridedView xv = StridedView.contiguous(x, Shape.of(5));
        StridedView yv = StridedView.contiguous(y, Shape.of(5));
        backend.fill(new StridedView(y, 0, Shape.of(3), new long[] {1}), 0);
        for (int i = 0; i < 10; i++) {                                // kernels move nothing to the host
            backend.binary(BinaryOp.ADD, xv, yv, yv);
            backend.unary(UnaryOp.SQUARE, yv, yv);
        }
        OpenClStats middle = backend.stats();
        assertEquals(before.uploads() + 2, middle.uploads());
        assertEquals(before.uploadBytes() + 28, middle.uploadBytes());
        assertEquals(before.downloads(), middle.downloads());
        assertTrue(middle.kernelLaunches() >= before.kernelLaunches() + 21);

        DoubleBuffer wrong = DoubleBuffer.allocate(5);
        assertThrows(IllegalArgumentException.class, () -> backend.download(y, 0, wrong));
        FloatBuffer two = FloatBuffer.allocate(2);
        backend.download(y, 3, two);                                  // download 1: 8 bytes
        OpenClStats after = backend.stats();
        assertEquals(middle.uploads(), after.uploads());
        assertEquals(before.downloads() + 1, after.downloads());
        assertEquals(before.downloadBytes() + 8, after.downloadBytes());
        assertEquals(before.transfers() + 3, after.transfers());
        // The SPI's backend-neutral view reports the same counters.
        TransferStats spi = backend.transferStats().orElseThrow();
        assertEquals(new TransferStats(after.uploads(), after.uploadBytes(), after.downloads(), after.downloadBytes(),
                after.bytesInUse(), after.pooledBytes()), spi);
        TransferStats delta = spi.since(new TransferStats(before.uploads(), before.uploadBytes(), before.downloads(),
                before.downloadBytes(), before.bytesInUse(), before.pooledBytes()));
        assertEquals(new TransferStats(2, 28, 1, 8, after.bytesInUse(), after.pooledBytes()), delta);
        assertEquals(3, delta.transfers());
        closeAll(xv, yv);
    }

    @Test
    void aTrainingLikeLoopKeepsItsTensorsOnTheDevice() {
        // y = relu(x @ w); loss = sum(y^2); w -= 1e-3 * x^T @ (2 y) -- one upload per batch, one download per loss.
        int batch = 8;
        int in = 5;
        int out = 3;
        DeviceBuffer w = backend.allocate(DType.FLOAT32, in * out);
        backend.fillRandom(RandomSpec.normal(0, 0.1), 1, 0, StridedView.contiguous(w, Shape.of(in * out)));
        StridedView wv = StridedView.contiguous(w, Shape.of(1, in, out));
        long startBytes = backend.stats().bytesInUse();
        OpenClStats before = backend.stats();
        float previous = Float.MAX_VALUE;
        int steps = 20;
        for (int step = 0; step < steps; step++) {
            float[] data = new float[batch * in];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) Math.sin(i * 0.37 + 1);
            }
            try (DeviceBuffer x = floats(data);
                    DeviceBuffer h = backend.allocate(DType.FLOAT32, batch * out);
                    DeviceBuffer g = backend.allocate(DType.FLOAT32, in * out);
                    DeviceBuffer loss = backend.allocate(DType.FLOAT32, 1)) {
                StridedView xv = StridedView.contiguous(x, Shape.of(1, batch, in));
                StridedView hv = StridedView.contiguous(h, Shape.of(1, batch, out));
                backend.matmul(xv, wv, hv);
                backend.unary(UnaryOp.RELU, hv, hv);
                StridedView flat = StridedView.contiguous(h, Shape.of(batch * out));
                try (DeviceBuffer sq = backend.allocate(DType.FLOAT32, batch * out)) {
                    StridedView sqv = StridedView.contiguous(sq, Shape.of(batch * out));
                    backend.unary(UnaryOp.SQUARE, flat, sqv);
                    backend.reduce(ReduceOp.SUM, sqv, new int[] {0}, StridedView.contiguous(loss, Shape.of(1)));
                }
                StridedView xt = new StridedView(x, 0, Shape.of(1, in, batch), new long[] {0, 1, in});
                backend.matmul(xt, hv, StridedView.contiguous(g, Shape.of(1, in, out)));
                StridedView gv = StridedView.contiguous(g, Shape.of(in * out));
                StridedView flatW = StridedView.contiguous(w, Shape.of(in * out));
                try (DeviceBuffer lr = floats(2e-3f)) {
                    StridedView lrv = new StridedView(lr, 0, Shape.of(in * out), new long[] {0});
                    backend.binary(BinaryOp.MUL, gv, lrv, gv);
                }
                backend.binary(BinaryOp.SUB, flatW, gv, flatW);
                float value = read(loss)[0];
                assertTrue(value <= previous + 1e-6f, "loss went up: " + previous + " -> " + value);
                previous = value;
            }
            assertEquals(startBytes, backend.stats().bytesInUse(), "device memory back to its start after step " + step);
        }
        OpenClStats after = backend.stats();
        assertEquals(2L * steps, after.uploads() - before.uploads(), "the batch and the learning rate per step");
        assertEquals(steps, after.downloads() - before.downloads(), "one loss per step");
        w.close();
    }

    // ---- random numbers -------------------------------------------------------------------------

    @Test
    void randomNumbersAreBitIdenticalToCounterRandomAtScale() {
        long[][] seedsAndCounters = {{0, 0}, {7, 1L << 32}, {-3, -100}, {0x5DEECE66DL, 123456789}};
        RandomSpec[] specs = {RandomSpec.uniform(-1, 1), RandomSpec.normal(0.5, 3), RandomSpec.uniform(0, 1e-3),
            RandomSpec.normal(0, 1)};
        int n = 20_000;
        for (long[] sc : seedsAndCounters) {
            for (RandomSpec spec : specs) {
                DeviceBuffer f = backend.allocate(DType.FLOAT32, n);
                backend.fillRandom(spec, sc[0], sc[1], StridedView.contiguous(f, Shape.of(n)));
                float[] got = read(f);
                for (int i = 0; i < n; i++) {
                    float expected = CounterRandom.sampleFloat(spec, sc[0], sc[1] + i);
                    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got[i])) {
                        fail("FLOAT32 " + spec + " seed " + sc[0] + " index " + (sc[1] + i) + ": expected " + expected
                                + " got " + got[i]);
                    }
                }
                f.close();
                if (!backend.device().supportsFloat64()) {
                    continue;
                }
                DeviceBuffer d = backend.allocate(DType.FLOAT64, n);
                backend.fillRandom(spec, sc[0], sc[1], StridedView.contiguous(d, Shape.of(n)));
                DoubleBuffer out = DoubleBuffer.allocate(n);
                backend.download(d, 0, out);
                for (int i = 0; i < n; i++) {
                    double expected = CounterRandom.sampleDouble(spec, sc[0], sc[1] + i);
                    if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(out.get(i))) {
                        fail("FLOAT64 " + spec + " seed " + sc[0] + " index " + (sc[1] + i) + ": expected " + expected
                                + " got " + out.get(i));
                    }
                }
                d.close();
            }
        }
    }

    // ---- views ----------------------------------------------------------------------------------

    @Test
    void viewsOfMoreThanEightUnmergeableDimsAreRejected() {
        int[] dims = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        long[] reversed = new long[9];
        for (int d = 0; d < 9; d++) {
            reversed[d] = 1L << d; // column-major: no two neighbours merge
        }
        DeviceBuffer b = backend.allocate(DType.FLOAT32, 512);
        DeviceBuffer o = backend.allocate(DType.FLOAT32, 512);
        StridedView x = new StridedView(b, 0, Shape.of(dims), reversed);
        StridedView out = StridedView.contiguous(o, Shape.of(dims));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.unary(UnaryOp.NEG, x, out));
        assertTrue(e.getMessage().contains("unary NEG") && e.getMessage().contains("at most 8"), e.getMessage());
        // Nine contiguous dims merge into one and are fine.
        backend.fill(StridedView.contiguous(b, Shape.of(dims)), 3);
        backend.unary(UnaryOp.NEG, StridedView.contiguous(b, Shape.of(dims)), out);
        assertEquals(-3f, read(o)[511]);
        closeAll(x, out);
    }

    @Test
    void stridePlansMergeWhatTheyCan() {
        StridePlan contiguous = StridePlan.of("t", new int[] {2, 3, 4}, new long[] {12, 4, 1}, new long[] {12, 4, 1});
        assertEquals(1, contiguous.rank);
        assertEquals(24, contiguous.shape[0]);
        StridePlan broadcast = StridePlan.of("t", new int[] {2, 3, 4}, new long[] {0, 4, 1}, new long[] {12, 4, 1});
        assertEquals(2, broadcast.rank);
        assertArrayEquals(new long[] {2, 12, 0, 0, 0, 0, 0, 0}, broadcast.shape);
        StridePlan ones = StridePlan.of("t", new int[] {1, 5, 1}, new long[] {99, 2, 99});
        assertEquals(1, ones.rank);
        assertEquals(2, ones.strides[0][0]);
        assertEquals(0, StridePlan.of("t", new int[] {}, new long[] {}).rank);
        assertEquals(0, StridePlan.of("t", new int[] {3, 0}, new long[] {1, 1}).count);
    }

    @Test
    void hostBuffersOfEveryKindAreRead() {
        DeviceBuffer b = backend.allocate(DType.FLOAT32, 4);
        FloatBuffer direct = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(new float[] {1, 2, 3, 4}).flip();
        backend.upload(direct, b, 0);
        assertArrayEquals(new float[] {1, 2, 3, 4}, read(b));
        FloatBuffer bigEndian = ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        bigEndian.put(new float[] {5, 6, 7, 8}).flip();
        backend.upload(bigEndian, b, 0);
        assertArrayEquals(new float[] {5, 6, 7, 8}, read(b));
        backend.upload(FloatBuffer.wrap(new float[] {9, 10}).asReadOnlyBuffer(), b, 1);
        assertArrayEquals(new float[] {5, 9, 10, 8}, read(b));
        FloatBuffer sliced = FloatBuffer.wrap(new float[] {0, 0, 0, 0, 0, 0}).position(2).slice();
        backend.download(b, 0, sliced);
        assertArrayEquals(new float[] {5, 9, 10, 8}, new float[] {sliced.get(0), sliced.get(1), sliced.get(2), sliced.get(3)});
        FloatBuffer directOut = ByteBuffer.allocateDirect(16).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
        backend.download(b, 0, directOut);
        assertEquals(10f, directOut.get(2));
        assertEquals(0, directOut.position());
        b.close();
    }
}

package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import java.lang.reflect.Proxy;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The kernel-author API ({@link OpenClBackend#compile}, {@link OpenClBackend#launch},
 * {@link OpenClBackend#memory}) through a user's {@link KernelProvider} for op {@value OpenClSoftplusKernel#OP}
 * on backend "opencl", called as core's {@code CustomOp} calls it, with this backend's buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClCustomKernelTest {
    private final OpenClBackendProvider provider = new OpenClBackendProvider();
    private final KernelProvider softplus = new OpenClSoftplusKernel();
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

    private static double[] inputs(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i % 97 - 48) * 0.37 + (i % 3 == 0 ? 30 : 0) - (i % 5 == 0 ? 40 : 0);
        }
        return x;
    }

    private DeviceBuffer floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        DeviceBuffer b = backend.allocate(DType.FLOAT32, f.length);
        backend.upload(FloatBuffer.wrap(f), b, 0);
        return b;
    }

    private float[] readFloats(DeviceBuffer b) {
        FloatBuffer out = FloatBuffer.allocate(Math.toIntExact(b.elements()));
        backend.download(b, 0, out);
        return out.array();
    }

    @Test
    void theKernelIsFoundWithServiceLoader() {
        KernelProvider found = ServiceLoader.load(KernelProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.op().equals(OpenClSoftplusKernel.OP) && p.backend().equals("opencl"))
                .findFirst().orElseThrow();
        assertInstanceOf(OpenClSoftplusKernel.class, found);
    }

    @Test
    void float32MatchesTheReferenceFromAnOffsetInputOfAnOddLength() {
        int n = 1000; // not a multiple of the work-group size: the global size is rounded up, the kernel guards
        int offset = 7;
        double[] all = inputs(n + offset);
        DeviceBuffer x = floats(all);
        DeviceBuffer y = backend.allocate(DType.FLOAT32, n);
        StridedView in = new StridedView(x, offset, Shape.of(n), new long[] {1});
        StridedView out = StridedView.contiguous(y, Shape.of(n));
        for (double beta : new double[] {1.0, 2.5}) {
            assertTrue(softplus.supports(List.of(in), out));
            long launches = backend.stats().kernelLaunches();
            int calls = OpenClSoftplusKernel.CALLS.get();
            softplus.run(backend, List.of(in), out, Map.of("beta", beta));
            assertEquals(launches + 1, backend.stats().kernelLaunches(), "the launch is counted");
            assertEquals(calls + 1, OpenClSoftplusKernel.CALLS.get());
            float[] got = readFloats(y);
            for (int i = 0; i < n; i++) {
                double expected = OpenClSoftplusKernel.softplus((float) all[offset + i], beta);
                assertEquals(expected, got[i], 2e-6 * Math.max(1, Math.abs(expected)), "element " + i + ", beta " + beta);
            }
        }
        x.close();
        y.close();
    }

    @Test
    void float64MatchesTheReferenceWhereTheDeviceHasFp64() {
        int n = 333;
        double[] values = inputs(n);
        DeviceBuffer x = backend.allocate(DType.FLOAT64, n);
        backend.upload(DoubleBuffer.wrap(values), x, 0);
        DeviceBuffer y = backend.allocate(DType.FLOAT64, n);
        StridedView in = StridedView.contiguous(x, Shape.of(n));
        StridedView out = StridedView.contiguous(y, Shape.of(n));
        if (!backend.supportsFloat64()) {
            assertFalse(softplus.supports(List.of(in), out), "without fp64 the kernel declines FLOAT64");
            System.err.println("*** " + backend.device().name() + " has no fp64: FLOAT64 kernel not run");
            return;
        }
        assertTrue(softplus.supports(List.of(in), out));
        softplus.run(backend, List.of(in), out, Map.of("beta", 0.5));
        DoubleBuffer got = DoubleBuffer.allocate(n);
        backend.download(y, 0, got);
        for (int i = 0; i < n; i++) {
            double expected = OpenClSoftplusKernel.softplus(values[i], 0.5);
            assertEquals(expected, got.get(i), 1e-13 * Math.max(1, Math.abs(expected)), "element " + i);
        }
        x.close();
        y.close();
    }

    @Test
    void theKernelRunsInOrderWithTheBackendsOwnKernels() {
        DeviceBuffer x = backend.allocate(DType.FLOAT32, 5);
        DeviceBuffer y = backend.allocate(DType.FLOAT32, 5);
        StridedView in = StridedView.contiguous(x, Shape.of(5));
        StridedView out = StridedView.contiguous(y, Shape.of(5));
        backend.fill(in, 2);                                   // enqueued, not waited for
        softplus.run(backend, List.of(in), out, Map.of());     // sees the 2s
        backend.unary(dev.fovea.api.backend.UnaryOp.NEG, out, in); // sees the softplus
        float[] got = readFloats(x);
        for (float v : got) {
            assertEquals(-OpenClSoftplusKernel.softplus(2, 1), v, 1e-6);
        }
        x.close();
        y.close();
    }

    @Test
    void supportsDeclinesNonContiguousAndIntegerOperands() {
        DeviceBuffer x = backend.allocate(DType.FLOAT32, 6);
        DeviceBuffer y = backend.allocate(DType.FLOAT32, 6);
        StridedView transposed = new StridedView(x, 0, Shape.of(3, 2), new long[] {1, 3});
        assertFalse(transposed.isContiguous());
        assertFalse(softplus.supports(List.of(transposed), StridedView.contiguous(y, Shape.of(3, 2))));
        assertTrue(softplus.supports(List.of(StridedView.contiguous(x, Shape.of(3, 2))),
                StridedView.contiguous(y, Shape.of(3, 2))));
        DeviceBuffer ints = backend.allocate(DType.INT32, 6);
        DeviceBuffer intOut = backend.allocate(DType.INT32, 6);
        assertFalse(softplus.supports(List.of(StridedView.contiguous(ints, Shape.of(6))),
                StridedView.contiguous(intOut, Shape.of(6))));
        assertFalse(softplus.supports(List.of(), StridedView.contiguous(y, Shape.of(6))));
        x.close();
        y.close();
        ints.close();
        intOut.close();
    }

    @Test
    void programsAreCachedBySourceAndListTheirKernels() {
        OpenClProgram first = backend.compile(OpenClSoftplusKernel.OP, OpenClSoftplusKernel.SOURCE);
        int builds = OpenClContext.userProgramBuilds();
        OpenClProgram again = backend.compile("another name", OpenClSoftplusKernel.SOURCE);
        assertSame(first, again);
        try (OpenClBackend other = (OpenClBackend) provider.open(provider.defaultDeviceIndex())) {
            assertSame(first, other.compile(OpenClSoftplusKernel.OP, OpenClSoftplusKernel.SOURCE),
                    "one build per device, shared by its backends");
        }
        assertEquals(builds, OpenClContext.userProgramBuilds());
        assertTrue(first.kernelNames().contains("softplus_f32"), first.toString());
        assertEquals(backend.supportsFloat64(), first.kernelNames().contains("softplus_f64"), first.toString());
        assertTrue(first.buildOptions().contains("-cl-kernel-arg-info"), first.buildOptions());
        assertFalse(first.buildOptions().contains("-Wall"));
    }

    @Test
    void aBuildErrorReportsTheLogAndIsNotRebuilt() {
        String broken = """
                __kernel void broken(__global float* y, const long n) {
                    const long i = get_global_id(0);
                    if (i < n) y[i] = undeclared_thing;
                }
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.compile("examples.broken", broken));
        assertTrue(e.getMessage().contains("'examples.broken'"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_thing"), "the build log: " + e.getMessage());
        assertTrue(e.getMessage().contains("3:"), "line numbers are the source's: " + e.getMessage());
        int builds = OpenClContext.userProgramBuilds();
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> backend.compile("examples.broken", broken));
        assertTrue(again.getMessage().contains("undeclared_thing"), again.getMessage());
        assertEquals(builds, OpenClContext.userProgramBuilds(), "a failed build is cached");
    }

    @Test
    void releasedAndForeignBuffersAreRejected() {
        OpenClProgram program = backend.compile(OpenClSoftplusKernel.OP, OpenClSoftplusKernel.SOURCE);
        DeviceBuffer x = backend.allocate(DType.FLOAT32, 4);
        DeviceBuffer y = backend.allocate(DType.FLOAT32, 4);
        assertTrue(backend.memory(x, OpenClSoftplusKernel.OP) != null);
        y.close();
        IllegalStateException released = assertThrows(IllegalStateException.class,
                () -> backend.memory(y, OpenClSoftplusKernel.OP));
        assertTrue(released.getMessage().contains(OpenClSoftplusKernel.OP) && released.getMessage().contains("released"),
                released.getMessage());
        IllegalStateException viaLaunch = assertThrows(IllegalStateException.class,
                () -> backend.launch(program, "softplus_f32").i64(4).buffer(x).i64(0).buffer(y));
        assertTrue(viaLaunch.getMessage().contains("released"), viaLaunch.getMessage());
        // Released after it was set, before the launch.
        DeviceBuffer z = backend.allocate(DType.FLOAT32, 4);
        OpenClLaunch launch = backend.launch(program, "softplus_f32").i64(4).buffer(x).i64(0).buffer(z).f32(1);
        z.close();
        long launches = backend.stats().kernelLaunches();
        assertThrows(IllegalStateException.class, () -> launch.run(4));
        assertEquals(launches, backend.stats().kernelLaunches());

        try (OpenClBackend other = (OpenClBackend) provider.open(provider.defaultDeviceIndex())) {
            DeviceBuffer foreign = other.allocate(DType.FLOAT32, 4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.memory(foreign, OpenClSoftplusKernel.OP));
            assertTrue(e.getMessage().contains(OpenClSoftplusKernel.OP) && e.getMessage().contains("another OpenCL backend"),
                    e.getMessage());
        }
        x.close();
    }

    @Test
    void launchesAreCheckedAgainstTheKernelsParameters() {
        OpenClProgram program = backend.compile(OpenClSoftplusKernel.OP, OpenClSoftplusKernel.SOURCE);
        DeviceBuffer x = backend.allocate(DType.FLOAT32, 4);
        DeviceBuffer y = backend.allocate(DType.FLOAT32, 4);
        DeviceBuffer d = backend.allocate(DType.FLOAT64, 4);
        long launches = backend.stats().kernelLaunches();

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "softplus_f16"));
        assertTrue(unknown.getMessage().contains("softplus_f16") && unknown.getMessage().contains("softplus_f32"),
                unknown.getMessage());

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "softplus_f32").i64(4).buffer(x).i64(0).buffer(y).run(4));
        assertTrue(count.getMessage().contains("takes 5 arguments") && count.getMessage().contains("set 4"),
                count.getMessage());
        assertTrue(count.getMessage().contains(OpenClSoftplusKernel.OP), count.getMessage());

        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "softplus_f32").i64(4).buffer(x).i64(0).buffer(y).f64(1).run(4));
        assertTrue(kind.getMessage().contains("argument 4") && kind.getMessage().contains("needs a float"),
                kind.getMessage());

        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "softplus_f32").i64(4).i64(0).buffer(x).buffer(y).f32(1).run(4));
        assertTrue(swapped.getMessage().contains("argument 1") && swapped.getMessage().contains("needs a buffer"),
                swapped.getMessage());

        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "softplus_f32").i64(4).buffer(d).i64(0).buffer(y).f32(1).run(4));
        assertTrue(dtype.getMessage().contains("needs a FLOAT32 buffer, got a FLOAT64"), dtype.getMessage());

        assertEquals(launches, backend.stats().kernelLaunches(), "nothing was launched");
        backend.launch(program, "softplus_f32").i64(0).buffer(x).i64(0).buffer(y).f32(1).run(0);
        assertEquals(launches, backend.stats().kernelLaunches(), "an empty launch enqueues nothing");
        x.close();
        y.close();
        d.close();
    }

    @Test
    void localMemoryAndWorkGroupSizeAreCheckedBeforeLaunch() {
        OpenClProgram program = backend.compile("examples.localsum", """
                __kernel void block_sum(const long n, __global const float* x, __global float* sums,
                                        __local float* scratch) {
                    const long i = get_global_id(0);
                    const int l = get_local_id(0);
                    scratch[l] = i < n ? x[i] : 0.0f;
                    barrier(CLK_LOCAL_MEM_FENCE);
                    if (l == 0) {
                        float s = 0.0f;
                        for (int k = 0; k < get_local_size(0); k++) s += scratch[k];
                        sums[get_group_id(0)] = s;
                    }
                }
                """);
        DeviceBuffer x = floats(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        DeviceBuffer sums = backend.allocate(DType.FLOAT32, 3);
        backend.launch(program, "block_sum").i64(10).buffer(x).buffer(sums).local(4L * 4).run(10, 4);
        float[] got = readFloats(sums);
        assertEquals(10f, got[0]);
        assertEquals(26f, got[1]);
        assertEquals(19f, got[2]);

        long tooMuch = backend.openClDevice().localMemoryBytes() + 1;
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "block_sum").i64(10).buffer(x).buffer(sums).local(tooMuch).run(10, 4));
        assertTrue(local.getMessage().contains("local memory") && local.getMessage().contains("examples.localsum"),
                local.getMessage());
        long tooWide = backend.openClDevice().maxWorkGroupSize() * 2;
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> backend.launch(program, "block_sum").i64(10).buffer(x).buffer(sums).local(4).run(10, tooWide));
        assertTrue(group.getMessage().contains("work-group"), group.getMessage());
        x.close();
        sums.close();
    }

    @Test
    void anotherBackendIsRejectedByName() {
        Backend cpu = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "cpu";
                    case "toString" -> "FakeCpuBackend";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpenClBackend.of(cpu, OpenClSoftplusKernel.OP));
        assertTrue(e.getMessage().contains(OpenClSoftplusKernel.OP) && e.getMessage().contains("'cpu'"), e.getMessage());
        assertTrue(OpenClBackend.ownerOf(backend.allocate(DType.FLOAT32, 1)).isPresent());
    }
}

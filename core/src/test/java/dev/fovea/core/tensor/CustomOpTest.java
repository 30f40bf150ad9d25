package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Depth 3: a named op with a CPU kernel (registered by ServiceLoader in the test resources), a
 * composite fallback and a hand-written backward.
 */
class CustomOpTest {
    /** The softplus of {@link CpuSoftplusKernel}, as a composite: {@code relu(x) + log(1 + exp(-beta|x|)) / beta}. */
    static final CustomOp.Composite COMPOSITE = (in, attrs) -> {
        double beta = attrs.getOrDefault("beta", 1.0);
        Tensor x = in.get(0);
        return x.relu().add(x.abs().mul(-beta).exp().add(1.0).log().div(beta));
    };

    static final CustomOp SOFTPLUS = CustomOp.named(CpuSoftplusKernel.OP)
            .withFallback(COMPOSITE)
            .withBackward((g, in, out, attrs) -> List.of(g.mul(in.get(0).mul(attrs.getOrDefault("beta", 1.0)).sigmoid())));

    private static final double[] X = {-30, -2.5, -0.4, 0, 0.3, 1.7, 25};

    private static BackendDevice cpu() {
        return (BackendDevice) Devices.get("cpu");
    }

    /** A device whose backend is named "twin": the CPU's kernels, but no custom kernel is registered for it. */
    private static BackendDevice twin() {
        return new BackendDevice(new RenamedBackend(cpu().backend(), "twin"));
    }

    private static double[] expected(double beta) {
        double[] y = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            y[i] = CpuSoftplusKernel.softplus(X[i], beta);
        }
        return y;
    }

    @Test
    void theKernelIsFoundWithServiceLoader() {
        assertInstanceOf(CpuSoftplusKernel.class, Kernels.installed().find(CpuSoftplusKernel.OP, "cpu").orElseThrow());
        assertInstanceOf(CpuSoftplusKernel.class, Kernels.installed().find(CpuSoftplusKernel.OP, "CPU").orElseThrow());
        assertTrue(Kernels.installed().find(CpuSoftplusKernel.OP, "opencl").isEmpty());
        assertEquals(List.of("cpu"), List.copyOf(Kernels.installed().backendsFor(CpuSoftplusKernel.OP)));
        assertInstanceOf(CpuSoftplusKernel.class, SOFTPLUS.kernelFor("cpu").orElseThrow());
    }

    @Test
    void onTheCpuTheKernelRuns() {
        Tensor x = Tensors.of(cpu(), X, X.length);
        int before = CpuSoftplusKernel.CALLS.get();
        Tensor y = SOFTPLUS.apply(x);
        assertEquals(before + 1, CpuSoftplusKernel.CALLS.get());
        assertEquals(DType.FLOAT64, y.dtype());
        assertArrayEquals(expected(1.0), y.toDoubleArray(), 1e-15);

        // The attributes reach the kernel.
        Tensor y2 = SOFTPLUS.apply(List.of(x), Map.of("beta", 2.0));
        assertEquals(before + 2, CpuSoftplusKernel.CALLS.get());
        assertArrayEquals(expected(2.0), y2.toDoubleArray(), 1e-15);
    }

    @Test
    void theKernelGetsDenseOperandsEvenFromAStridedView() {
        Tensor m = Tensors.of(cpu(), new float[] {-1, 2, -3, 4, -5, 6}, 2, 3).transpose(0, 1); // [3, 2], strided
        Tensor tail = Tensors.of(cpu(), new float[] {9, 9, -1, 0.5f}, 4).slice(0, 2, 4);         // offset 2
        int before = CpuSoftplusKernel.CALLS.get();
        Tensor y = SOFTPLUS.apply(m);
        Tensor z = SOFTPLUS.apply(tail);
        assertEquals(before + 2, CpuSoftplusKernel.CALLS.get());
        float[] expectedY = new float[6];
        float[] t = m.contiguous().toFloatArray();
        for (int i = 0; i < 6; i++) {
            expectedY[i] = (float) CpuSoftplusKernel.softplus(t[i], 1);
        }
        assertArrayEquals(expectedY, y.toFloatArray(), 1e-6f);
        assertEquals(m.shape(), y.shape());
        assertArrayEquals(new float[] {(float) CpuSoftplusKernel.softplus(-1, 1), (float) CpuSoftplusKernel.softplus(0.5, 1)},
                z.toFloatArray(), 1e-6f);
    }

    @Test
    void onABackendWithoutAKernelTheFallbackRuns() {
        Tensor x = Tensors.of(twin(), X, X.length);
        int before = CpuSoftplusKernel.CALLS.get();
        Tensor y = SOFTPLUS.apply(x);
        assertEquals(before, CpuSoftplusKernel.CALLS.get(), "no kernel is registered for 'twin'");
        assertEquals("twin:0", y.device().name());
        assertArrayEquals(expected(1.0), y.toDoubleArray(), 1e-12);
    }

    @Test
    void withoutKernelOrFallbackTheErrorNamesTheOpTheBackendAndWhereKernelsExist() {
        CustomOp kernelOnly = CustomOp.named(CpuSoftplusKernel.OP);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> kernelOnly.apply(Tensors.of(twin(), X, X.length)));
        assertTrue(e.getMessage().contains("'" + CpuSoftplusKernel.OP + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("backend 'twin'"), e.getMessage());
        assertTrue(e.getMessage().contains("kernels exist for: cpu"), e.getMessage());

        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> CustomOp.named("test.nowhere").apply(Tensors.of(cpu(), X, X.length)));
        assertTrue(none.getMessage().contains("'test.nowhere' has no kernel for backend 'cpu'"), none.getMessage());
        assertTrue(none.getMessage().contains("no backend has a kernel for it"), none.getMessage());

        // The kernel alone still serves the backend it was written for.
        assertArrayEquals(expected(1.0), kernelOnly.apply(Tensors.of(cpu(), X, X.length)).toDoubleArray(), 1e-15);
    }

    @Test
    void gradientsThroughTheKernelPassTheGradientCheck() {
        Tensor x = Tensors.of(cpu(), new double[] {-3, -0.7, 0.2, 1.1, 4}, 5).requiresGrad(true);
        int before = CpuSoftplusKernel.CALLS.get();
        GradCheck.Result r = GradCheck.assertGradients(in -> SOFTPLUS.apply(List.of(in.get(0)), Map.of("beta", 1.5)),
                List.of(x));
        assertTrue(r.passed());
        assertTrue(CpuSoftplusKernel.CALLS.get() > before, "the check must have gone through the kernel");

        // The same rule, through the fallback, on the other backend.
        Tensor onTwin = Tensors.of(twin(), new double[] {-3, -0.7, 0.2, 1.1, 4}, 5).requiresGrad(true);
        before = CpuSoftplusKernel.CALLS.get();
        GradCheck.assertGradients(in -> SOFTPLUS.apply(List.of(in.get(0)), Map.of("beta", 1.5)), List.of(onTwin));
        assertEquals(before, CpuSoftplusKernel.CALLS.get());
    }

    @Test
    void aWrongBackwardThroughTheKernelIsCaught() {
        CustomOp wrong = CustomOp.named(CpuSoftplusKernel.OP).withBackward((g, in, out) -> List.of(g.mul(out)));
        Tensor x = Tensors.of(cpu(), new double[] {-1, 0.5, 2}, 3).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> wrong.apply(in.get(0)), List.of(x));
        assertFalse(r.passed(), r.describe());
    }

    @Test
    void withoutABackwardAGradientComesFromTheFallbackNotTheKernel() {
        CustomOp noBackward = CustomOp.named(CpuSoftplusKernel.OP).withFallback(COMPOSITE);
        Tensor x = Tensors.of(cpu(), new double[] {-1, 0.5, 2}, 3).requiresGrad(true);
        int before = CpuSoftplusKernel.CALLS.get();
        Tensor y = noBackward.apply(x);
        assertEquals(before, CpuSoftplusKernel.CALLS.get(), "a kernel is opaque to autograd");
        y.sum().backward();
        double[] g = x.grad().toDoubleArray();
        double[] xs = {-1, 0.5, 2};
        for (int i = 0; i < 3; i++) {
            assertEquals(1 / (1 + Math.exp(-xs[i])), g[i], 1e-12);
        }
        // In inference (no gradient needed) the kernel runs.
        NoGrad.run(() -> noBackward.apply(x));
        assertEquals(before + 1, CpuSoftplusKernel.CALLS.get());

        CustomOp kernelOnly = CustomOp.named(CpuSoftplusKernel.OP);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> kernelOnly.apply(x));
        assertTrue(e.getMessage().contains("no backward rule") && e.getMessage().contains("withBackward"),
                e.getMessage());
    }

    /** A kernel that handles FLOAT32 only and declines the rest. */
    static final class Float32Only implements KernelProvider {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String op() {
            return "test.negate";
        }

        @Override
        public String backend() {
            return "cpu";
        }

        @Override
        public boolean supports(List<StridedView> inputs, StridedView output) {
            return output.dtype() == DType.FLOAT32;
        }

        @Override
        public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
            calls.incrementAndGet();
            backend.unary(dev.fovea.api.backend.UnaryOp.NEG, inputs.get(0), output);
        }
    }

    @Test
    void aKernelThatDeclinesTheOperandsLeavesThemToTheFallback() {
        Float32Only kernel = new Float32Only();
        CustomOp negate = CustomOp.named("test.negate").withKernels(Kernels.of(List.of(kernel)))
                .withFallback(in -> in.get(0).neg());
        assertArrayEquals(new float[] {-1, 2}, negate.apply(Tensors.of(cpu(), new float[] {1, -2}, 2)).toFloatArray());
        assertEquals(1, kernel.calls.get());
        assertArrayEquals(new double[] {-1, 2}, negate.apply(Tensors.of(cpu(), new double[] {1, -2}, 2)).toDoubleArray());
        assertEquals(1, kernel.calls.get(), "FLOAT64 went to the fallback");

        CustomOp bare = CustomOp.named("test.negate").withKernels(Kernels.of(List.of(kernel)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> bare.apply(Tensors.of(cpu(), new double[] {1}, 1)));
        assertTrue(e.getMessage().contains("that supports these operands"), e.getMessage());
    }

    @Test
    void twoKernelsForOneOpAndBackendAreAmbiguous() {
        Kernels two = Kernels.of(List.of(new CpuSoftplusKernel(), new CpuSoftplusKernel(), new Float32Only()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> two.find(CpuSoftplusKernel.OP, "cpu"));
        assertTrue(e.getMessage().contains("2 kernels") && e.getMessage().contains(CpuSoftplusKernel.class.getName()),
                e.getMessage());
        assertTrue(two.find("test.negate", "cpu").isPresent(), "other pairs keep working");
    }

    @Test
    void outputShapeCanDifferFromTheInputs() {
        KernelProvider rowSums = new KernelProvider() {
            @Override
            public String op() {
                return "test.rowsum";
            }

            @Override
            public String backend() {
                return "cpu";
            }

            @Override
            public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> a) {
                StridedView x = inputs.get(0);
                backend.reduce(dev.fovea.api.backend.ReduceOp.SUM, x, new int[] {1},
                        new StridedView(output.buffer(), 0, dev.fovea.api.Shape.of(x.shape().dim(0), 1), new long[] {1, 1}));
            }
        };
        CustomOp op = CustomOp.named("test.rowsum").withKernels(Kernels.of(List.of(rowSums)))
                .withOutputShape(shapes -> dev.fovea.api.Shape.of(shapes.get(0).dim(0)))
                .withBackward((g, in, out) -> List.of(g.unsqueeze(1).expand(in.get(0).shape()).contiguous()));
        Tensor x = Tensors.of(cpu(), new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = op.apply(x);
        assertArrayEquals(new double[] {6, 15}, y.toDoubleArray());
        GradCheck.assertGradients(in -> op.apply(in.get(0)), List.of(x));
    }

    @Test
    void inputsMustShareADevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomOp.named("test.add2")
                .withFallback(in -> in.get(0).add(in.get(1)))
                .apply(Tensors.of(cpu(), new float[] {1}, 1), Tensors.of(twin(), new float[] {1}, 1)));
        assertTrue(e.getMessage().contains("different devices"), e.getMessage());
    }

    @Test
    void configuringReturnsNewOps() {
        CustomOp a = CustomOp.named("test.x");
        CustomOp b = a.withFallback(in -> in.get(0));
        assertFalse(a.hasFallback());
        assertTrue(b.hasFallback());
        assertSame(Kernels.installed(), a.kernels());
        assertThrows(IllegalArgumentException.class, () -> CustomOp.named(" "));
    }
}

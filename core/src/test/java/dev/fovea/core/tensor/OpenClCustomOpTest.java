package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import dev.fovea.backend.opencl.OpenClBackend;
import dev.fovea.backend.opencl.OpenClProgram;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.OpenClTesting;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Depth 3 end to end on OpenCL: a {@link CustomOp} whose OpenCL kernel (written against the OpenCL
 * backend's kernel-author API, as in docs/custom-layers.md) runs on the device, with values equal to the
 * CPU reference and gradients through the kernel passing {@link GradCheck} in FLOAT64. The kernel is
 * given with {@link CustomOp#withKernels} rather than registered in META-INF/services, so that
 * {@link CustomOpTest}'s view of the installed kernels (CPU only) stays as it is.
 */
class OpenClCustomOpTest {
    /** The OpenCL kernel of {@value #OP}, counting its calls. */
    static final class OpenClSoftplus implements KernelProvider {
        static final String OP = "examples.softplus";
        static final AtomicInteger CALLS = new AtomicInteger();
        static final String SOURCE = """
                __kernel void softplus_f32(const long n, __global const float* x, const long xOffset,
                                           __global float* y, const float beta) {
                    const long i = get_global_id(0);
                    if (i >= n) return;
                    const float v = x[xOffset + i];
                    y[i] = fmax(v, 0.0f) + log1p(exp(-beta * fabs(v))) / beta;
                }
                #ifdef FOVEA_FP64
                __kernel void softplus_f64(const long n, __global const double* x, const long xOffset,
                                           __global double* y, const double beta) {
                    const long i = get_global_id(0);
                    if (i >= n) return;
                    const double v = x[xOffset + i];
                    y[i] = fmax(v, 0.0) + log1p(exp(-beta * fabs(v))) / beta;
                }
                #endif
                """;

        @Override
        public String op() {
            return OP;
        }

        @Override
        public String backend() {
            return "opencl";
        }

        @Override
        public boolean supports(List<StridedView> inputs, StridedView output) {
            StridedView x = inputs.get(0);
            boolean fp64 = OpenClBackend.ownerOf(x.buffer()).map(OpenClBackend::supportsFloat64).orElse(false);
            return inputs.size() == 1 && x.isContiguous() && x.dtype() == output.dtype()
                    && (x.dtype() == DType.FLOAT32 || x.dtype() == DType.FLOAT64 && fp64);
        }

        @Override
        public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
            CALLS.incrementAndGet();
            OpenClBackend cl = OpenClBackend.of(backend, OP);
            OpenClProgram program = cl.compile(OP, SOURCE);
            StridedView x = inputs.get(0);
            long n = output.shape().numel();
            cl.launch(program, x.dtype() == DType.FLOAT64 ? "softplus_f64" : "softplus_f32")
                    .i64(n).buffer(x.buffer()).i64(x.offset()).buffer(output.buffer())
                    .real(x.dtype(), attributes.getOrDefault("beta", 1.0))
                    .run(n);
        }
    }

    static final CustomOp SOFTPLUS = CustomOp.named(OpenClSoftplus.OP)
            .withKernels(Kernels.of(List.of(new OpenClSoftplus())))
            .withFallback(CustomOpTest.COMPOSITE)
            .withBackward((g, in, out, attrs) -> List.of(g.mul(in.get(0).mul(attrs.getOrDefault("beta", 1.0)).sigmoid())));

    private static boolean fp64(Device device) {
        return ((BackendDevice) device).backend().device().supportsFloat64();
    }

    @Test
    void onOpenClTheKernelRunsAndMatchesTheCpuReference() {
        Device opencl = OpenClTesting.requireOpenCl();
        float[] x = new float[301];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 150) * 0.11f;
        }
        Tensor t = Tensors.of(opencl, x, x.length);
        int before = OpenClSoftplus.CALLS.get();
        Tensor y = SOFTPLUS.apply(List.of(t), Map.of("beta", 1.5));
        assertEquals(before + 1, OpenClSoftplus.CALLS.get(), "the OpenCL kernel ran");
        assertEquals(opencl, y.device(), "the result stays on the device");
        assertEquals(DType.FLOAT32, y.dtype());
        float[] got = y.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(CpuSoftplusKernel.softplus(x[i], 1.5), got[i], 2e-6, "element " + i);
        }

        // A strided view is made dense before the kernel sees it.
        Tensor m = Tensors.of(opencl, new float[] {-1, 2, -3, 4, -5, 6}, 2, 3).transpose(0, 1);
        Tensor z = SOFTPLUS.apply(m);
        assertEquals(before + 2, OpenClSoftplus.CALLS.get());
        float[] dense = m.contiguous().toFloatArray();
        float[] zs = z.toFloatArray();
        for (int i = 0; i < dense.length; i++) {
            assertEquals(CpuSoftplusKernel.softplus(dense[i], 1), zs[i], 2e-6);
        }
    }

    @Test
    void gradientsThroughTheOpenClKernelPassTheGradientCheckInFloat64() {
        Device opencl = OpenClTesting.requireOpenCl();
        Tensor x = Tensors.of(opencl, new double[] {-3, -0.7, 0.2, 1.1, 4}, 5).requiresGrad(true);
        int before = OpenClSoftplus.CALLS.get();
        GradCheck.Result r = GradCheck.assertGradients(in -> SOFTPLUS.apply(List.of(in.get(0)), Map.of("beta", 1.5)),
                List.of(x));
        assertTrue(r.passed(), r.describe());
        if (fp64(opencl)) {
            assertTrue(OpenClSoftplus.CALLS.get() > before, "the check went through the OpenCL kernel");
        } else {
            assertEquals(before, OpenClSoftplus.CALLS.get(), "without fp64 the kernel declines and the fallback runs");
            System.err.println("*** " + opencl.name() + " has no fp64: the gradient check ran the fallback");
        }
    }
}

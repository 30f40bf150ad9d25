package dev.fovea.backend.opencl;

import dev.fovea.api.DType;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user's OpenCL kernel for {@value #OP}: {@code softplus_beta(x) = max(x, 0) + log1p(exp(-beta |x|)) / beta},
 * in FLOAT32 and (where the device has fp64) FLOAT64. Registered in this module's test resources under
 * {@code META-INF/services/dev.fovea.api.backend.KernelProvider}; counts its calls. The example in
 * docs/custom-layers.md is this class.
 */
public final class OpenClSoftplusKernel implements KernelProvider {
    /** The op's name. */
    public static final String OP = "examples.softplus";
    /** How many times {@link #run} was called, by every instance. */
    public static final AtomicInteger CALLS = new AtomicInteger();

    /** One kernel per dtype; every work-item beyond {@code n} returns at once (the global size is rounded up). */
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

    /** One dense FLOAT32 input (or FLOAT64 where the device has fp64), and an output of its dtype. */
    @Override
    public boolean supports(List<StridedView> inputs, StridedView output) {
        if (inputs.size() != 1) {
            return false;
        }
        StridedView x = inputs.get(0);
        boolean fp64 = OpenClBackend.ownerOf(x.buffer()).map(OpenClBackend::supportsFloat64).orElse(false);
        return x.isContiguous() && output.isContiguous() && x.dtype() == output.dtype()
                && (x.dtype() == DType.FLOAT32 || x.dtype() == DType.FLOAT64 && fp64);
    }

    @Override
    public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
        CALLS.incrementAndGet();
        OpenClBackend cl = OpenClBackend.of(backend, OP);
        OpenClProgram program = cl.compile(OP, SOURCE); // built once per device, then a cache hit
        StridedView x = inputs.get(0);
        long n = output.shape().numel();
        cl.launch(program, x.dtype() == DType.FLOAT64 ? "softplus_f64" : "softplus_f32")
                .i64(n)
                .buffer(x.buffer()).i64(x.offset())
                .buffer(output.buffer())
                .real(x.dtype(), attributes.getOrDefault("beta", 1.0))
                .run(n);
    }

    /** The reference, in double. */
    static double softplus(double x, double beta) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-beta * Math.abs(x))) / beta;
    }
}

package dev.fovea.core.tensor;

import dev.fovea.api.DType;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import dev.fovea.backend.cpu.CpuArrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user's CPU kernel for {@value #OP}: {@code softplus_beta(x) = log(1 + exp(beta x)) / beta}, computed
 * stably as {@code max(x, 0) + log1p(exp(-beta |x|)) / beta} on the raw arrays of the CPU backend.
 * Registered in this module's test resources under {@code META-INF/services}; counts its calls.
 */
public final class CpuSoftplusKernel implements KernelProvider {
    /** The op's name. */
    public static final String OP = "test.softplus";
    /** How many times {@link #run} was called, by every instance. */
    public static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public String op() {
        return OP;
    }

    @Override
    public String backend() {
        return "cpu";
    }

    @Override
    public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
        CALLS.incrementAndGet();
        StridedView x = inputs.get(0);
        if (!x.isContiguous() || !output.isContiguous() || output.offset() != 0) {
            throw new AssertionError("CustomOp must pass dense operands, got " + x + " -> " + output);
        }
        double beta = attributes.getOrDefault("beta", 1.0);
        int n = Math.toIntExact(output.shape().numel());
        int offset = Math.toIntExact(x.offset());
        if (x.dtype() == DType.FLOAT64) {
            double[] in = CpuArrays.doubles(x.buffer());
            double[] out = CpuArrays.doubles(output.buffer());
            for (int i = 0; i < n; i++) {
                out[i] = softplus(in[offset + i], beta);
            }
        } else {
            float[] in = CpuArrays.floats(x.buffer());
            float[] out = CpuArrays.floats(output.buffer());
            for (int i = 0; i < n; i++) {
                out[i] = (float) softplus(in[offset + i], beta);
            }
        }
    }

    static double softplus(double x, double beta) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-beta * Math.abs(x))) / beta;
    }
}

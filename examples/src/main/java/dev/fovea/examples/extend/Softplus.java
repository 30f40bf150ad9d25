package dev.fovea.examples.extend;

import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.CustomFunction;
import dev.fovea.core.tensor.CustomOp;
import java.util.List;

/**
 * Softplus, {@code log(1 + exp(x))}, as a custom differentiable function (depth 2) and as a named op
 * that a backend may implement with its own kernel (depth 3).
 *
 * <p><b>Why by hand.</b> Written naively, {@code x.exp().add(1).log()} overflows: {@code exp(1000)} is
 * infinite in float and double, so the value is {@code inf} and autograd's derivative,
 * {@code exp(x) / (1 + exp(x))}, is {@code inf / inf = NaN}. The stable form
 * {@code max(x, 0) + log(1 + exp(-|x|))} never exponentiates a positive number, and its derivative is
 * simply {@code sigmoid(x)} - one op, computed stably, instead of the chain autograd would record
 * through {@code relu}, {@code abs}, {@code exp} and {@code log}.
 *
 * <pre>{@code
 * Tensor y = Softplus.apply(x);                      // depth 2: CustomFunction with its own backward
 * GradCheck.assertGradients(in -> Softplus.apply(in.get(0)), List.of(x64));
 * Tensor z = Softplus.OP.apply(x);                   // depth 3: a "fovea.examples.softplus" kernel if the
 *                                                    // backend has one, else the same composite
 * }</pre>
 */
public final class Softplus {
    private Softplus() {}

    /** The name kernels register under for {@link #OP}. */
    public static final String OP_NAME = "fovea.examples.softplus";

    /**
     * The op for kernels: a {@code KernelProvider} with {@code op() == "fovea.examples.softplus"} for a
     * backend replaces {@link #forward} there; the backward rule stays {@link #backward}.
     */
    public static final CustomOp OP = CustomOp.named(OP_NAME)
            .withFallback(in -> forward(in.get(0)))
            .withBackward((gradOutput, in, out) -> List.of(backward(gradOutput, in.get(0))));

    /** {@code log(1 + exp(x))} elementwise, with the hand-written backward {@code grad * sigmoid(x)}. */
    public static Tensor apply(Tensor x) {
        return CustomFunction.apply("softplus", List.of(x),
                in -> forward(in.get(0)),
                (gradOutput, in, out) -> List.of(backward(gradOutput, in.get(0))));
    }

    /** The stable forward: {@code relu(x) + log(1 + exp(-|x|))}; the exponent is never positive. */
    static Tensor forward(Tensor x) {
        return x.relu().add(x.abs().neg().exp().add(1.0).log());
    }

    /** d softplus / dx = sigmoid(x). */
    static Tensor backward(Tensor gradOutput, Tensor x) {
        return gradOutput.mul(x.sigmoid());
    }
}

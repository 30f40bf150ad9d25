package dev.fovea.core.tensor;

import dev.fovea.api.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * An operation with a hand-written backward rule, like {@code torch.autograd.Function}: for a fused
 * or numerically special computation whose derivative is better written by hand than derived from
 * its parts.
 *
 * <pre>{@code
 * // y = x^3 with its own derivative 3 x^2
 * Tensor y = CustomFunction.apply("cube", List.of(x),
 *         in -> in.get(0).pow(3.0),
 *         (gradOut, in, out) -> List.of(gradOut.mul(in.get(0).square()).mul(3.0)));
 * }</pre>
 *
 * Check a custom rule with {@code dev.fovea.core.autograd.GradCheck}.
 */
public final class CustomFunction {
    private CustomFunction() {}

    /** Turns the gradient of the output into one gradient per input. */
    @FunctionalInterface
    public interface Backward {
        /**
         * @param gradOutput d(loss)/d(output), of the output's shape
         * @param inputs the inputs, as given to the forward
         * @param output the forward's result
         * @return one gradient per input, each of that input's shape, or {@code null} for inputs that
         *     need none; entries for inputs that do not require gradients are ignored
         */
        List<Tensor> apply(Tensor gradOutput, List<Tensor> inputs, Tensor output);
    }

    /**
     * Runs {@code forward} on {@code inputs} without recording a graph, then records one node named
     * {@code name} whose backward is {@code backward} (run in a no-grad scope).
     */
    public static Tensor apply(String name, List<? extends Tensor> inputs, Function<List<Tensor>, Tensor> forward,
            Backward backward) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(backward, "backward");
        List<Tensor> in = List.copyOf(inputs);
        DenseTensor[] parents = new DenseTensor[in.size()];
        for (int i = 0; i < parents.length; i++) {
            parents[i] = DenseTensor.cast(in.get(i), name);
        }
        DenseTensor computed = DenseTensor.cast(NoGrad.run(() -> forward.apply(in)), name);
        // A fresh handle, so that the node never attaches to one of the inputs themselves.
        DenseTensor out = computed.alias(computed.view());
        return DenseTensor.record(out, name, g -> {
            List<Tensor> grads = backward.apply(g, in, out);
            if (grads == null || grads.size() != parents.length) {
                throw new IllegalStateException("backward of custom function '" + name + "' must return "
                        + parents.length + " gradients (null where none), got "
                        + (grads == null ? "null" : grads.size()));
            }
            DenseTensor[] result = new DenseTensor[parents.length];
            for (int i = 0; i < parents.length; i++) {
                Tensor gi = grads.get(i);
                result[i] = gi == null ? null : DenseTensor.cast(gi, name);
            }
            return result;
        }, parents);
    }
}

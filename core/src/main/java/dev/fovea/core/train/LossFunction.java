package dev.fovea.core.train;

import dev.fovea.api.Tensor;

/**
 * A training objective: the model's output and the batch's targets in, a scalar loss out.
 *
 * <p>The result must be a one-element tensor holding the <em>mean</em> over the batch's examples
 * (the trainer weights it by the batch size to report a per-sample mean for the epoch), computed
 * with recorded operations so that {@link Tensor#backward()} reaches the model's parameters. Static
 * methods with this shape fit as method references: {@code Losses::crossEntropy}.
 */
@FunctionalInterface
public interface LossFunction {

    /**
     * The mean loss of the batch.
     *
     * @param output what the model computed, e.g. logits shaped {@code [batch, classes]}
     * @param target the batch's labels, INT32 class indices shaped {@code [batch]}
     */
    Tensor apply(Tensor output, Tensor target);
}

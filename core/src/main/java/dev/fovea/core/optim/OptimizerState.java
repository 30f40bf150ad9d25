package dev.fovea.core.optim;

import com.google.common.collect.ImmutableMap;
import dev.fovea.api.Shape;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an optimizer, everything needed to continue training exactly where it stopped:
 * what {@link AbstractOptimizer#state()} returns and {@link AbstractOptimizer#load} accepts, and what
 * checkpoints persist.
 *
 * <p>All parts are immutable host data; nothing refers to a device, so a state can be taken on one
 * device and loaded on another.
 *
 * @param type            the optimizer's name: {@code "Sgd"}, {@code "Adam"}, {@code "AdamW"} or {@code "RmsProp"}
 * @param hyperParameters numeric settings by name, including the current learning rate as {@code "lr"}
 *                        (e.g. {@code momentum}, {@code beta1}, {@code weight_decay})
 * @param flags           boolean settings by name (e.g. {@code nesterov}, {@code amsgrad}, {@code centered})
 * @param steps           how many times {@code step()} has run
 * @param parameterShapes the names and shapes of the parameters the optimizer updates, in its order
 * @param tensors         per-parameter state keyed {@code "<parameter name>.<slot>"}, e.g.
 *                        {@code "0.weight.momentum_buffer"}, {@code "0.weight.exp_avg"},
 *                        {@code "0.weight.exp_avg_sq"}, {@code "0.weight.step"}; a parameter that has
 *                        never had a gradient has no entries (as in PyTorch)
 */
public record OptimizerState(String type, Map<String, Double> hyperParameters, Map<String, Boolean> flags,
        long steps, Map<String, Shape> parameterShapes, Map<String, StateTensor> tensors) {

    public OptimizerState {
        Objects.requireNonNull(type, "type");
        hyperParameters = ImmutableMap.copyOf(hyperParameters);
        flags = ImmutableMap.copyOf(flags);
        parameterShapes = ImmutableMap.copyOf(parameterShapes);
        tensors = ImmutableMap.copyOf(tensors);
        if (steps < 0) {
            throw new IllegalArgumentException("OptimizerState: steps must be >= 0, got " + steps);
        }
    }

    /** The learning rate in effect when the state was taken. */
    public double learningRate() {
        Double lr = hyperParameters.get("lr");
        if (lr == null) {
            throw new IllegalStateException("OptimizerState of " + type + " has no 'lr' hyper-parameter");
        }
        return lr;
    }
}

package dev.fovea.core.optim;

import dev.fovea.api.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Building an optimizer back from a saved {@link OptimizerState}, e.g. when resuming from a checkpoint. */
public final class Optimizers {
    private Optimizers() {}

    /**
     * An optimizer of the state's type and settings over {@code parameters}, with the state loaded
     * (learning rate, step count, per-parameter tensors), ready to continue exactly where the saved
     * one stopped.
     *
     * @throws IllegalArgumentException for an unknown type, missing settings, or a state that does not
     *     fit the parameters (see {@link AbstractOptimizer#load})
     */
    public static AbstractOptimizer fromState(OptimizerState state, Map<String, ? extends Tensor> parameters) {
        Objects.requireNonNull(state, "state");
        AbstractOptimizer optimizer = switch (state.type()) {
            case Sgd.TYPE -> new Sgd.Config(state.learningRate(), number(state, "momentum"), number(state, "dampening"),
                    flag(state, "nesterov"), number(state, "weight_decay")).over(parameters);
            case Adam.TYPE -> new Adam.Config(state.learningRate(), number(state, "beta1"), number(state, "beta2"),
                    number(state, "eps"), number(state, "weight_decay"), flag(state, "amsgrad")).over(parameters);
            case AdamW.TYPE -> new AdamW.Config(state.learningRate(), number(state, "beta1"), number(state, "beta2"),
                    number(state, "eps"), number(state, "weight_decay"), flag(state, "amsgrad")).over(parameters);
            case RmsProp.TYPE -> new RmsProp.Config(state.learningRate(), number(state, "alpha"), number(state, "eps"),
                    number(state, "momentum"), flag(state, "centered"), number(state, "weight_decay")).over(parameters);
            default -> throw new IllegalArgumentException("Optimizers.fromState: unknown optimizer type '" + state.type()
                    + "'; known: " + Sgd.TYPE + ", " + Adam.TYPE + ", " + AdamW.TYPE + ", " + RmsProp.TYPE);
        };
        optimizer.load(state);
        return optimizer;
    }

    private static double number(OptimizerState state, String name) {
        Double value = state.hyperParameters().get(name);
        if (value == null) {
            throw new IllegalArgumentException("Optimizers.fromState: the " + state.type() + " state lacks hyper-parameter '"
                    + name + "'");
        }
        return value;
    }

    private static boolean flag(OptimizerState state, String name) {
        Boolean value = state.flags().get(name);
        if (value == null) {
            throw new IllegalArgumentException("Optimizers.fromState: the " + state.type() + " state lacks flag '" + name
                    + "'");
        }
        return value;
    }

    /** Names unnamed parameters "0", "1", ... in iteration order. */
    static Map<String, Tensor> indexed(Iterable<? extends Tensor> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            named.put(Integer.toString(named.size()), p);
        }
        return named;
    }
}

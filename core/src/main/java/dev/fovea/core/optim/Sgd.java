package dev.fovea.core.optim;

import com.google.common.collect.ImmutableMap;
import dev.fovea.api.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, with exactly the update of {@code torch.optim.SGD}. For each parameter {@code p} with
 * gradient {@code g}:
 *
 * <pre>
 * d = g + weightDecay * p
 * if momentum != 0:
 *     buf = d                                         on the parameter's first update
 *     buf = momentum * buf + (1 - dampening) * d      afterwards
 *     d = nesterov ? d + momentum * buf : buf
 * p = p - lr * d
 * </pre>
 *
 * <pre>{@code
 * var optimizer = Sgd.momentum(0.9).lr(0.01).over(model.parameters());
 * var plain = Sgd.lr(0.1).over(model.parameters());
 * var nesterov = Sgd.momentum(0.9).lr(0.01).nesterov(true).weightDecay(5e-4).over(model.parameters());
 * }</pre>
 *
 * State slot: {@code momentum_buffer} (when momentum is not 0).
 */
public final class Sgd extends AbstractOptimizer {
    /** The name in {@link OptimizerState#type()}. */
    public static final String TYPE = "Sgd";
    static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final Config config;

    private Sgd(Config config, Map<String, ? extends Tensor> parameters) {
        super(TYPE, parameters, config.lr());
        this.config = config;
    }

    /** Plain SGD with learning rate {@code lr} (add momentum etc. with the returned config). */
    public static Config lr(double lr) {
        return defaults().lr(lr);
    }

    /** SGD with {@code momentum} (and the default learning rate 0.001 until {@link Config#lr} sets one). */
    public static Config momentum(double momentum) {
        return defaults().momentum(momentum);
    }

    /** The defaults: learning rate 0.001 (as PyTorch), no momentum, dampening or weight decay. */
    public static Config defaults() {
        return new Config(1e-3, 0, 0, false, 0);
    }

    /** This optimizer's settings (its learning rate as constructed; see {@link #learningRate()}). */
    public Config config() {
        return config;
    }

    /**
     * The immutable settings of {@link Sgd}; each setter returns a new config, {@link #over} builds the
     * optimizer.
     *
     * @param lr          learning rate, finite and >= 0
     * @param momentum    momentum factor in [0, 1); 0 turns momentum off
     * @param dampening   dampening of the momentum in [0, 1]
     * @param nesterov    Nesterov momentum (needs momentum > 0 and dampening 0)
     * @param weightDecay L2 penalty added to the gradient, >= 0
     */
    public record Config(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        public Config {
            Checks.learningRate(TYPE, lr);
            Checks.unitInterval(TYPE, "momentum", momentum);
            Checks.closedUnitInterval(TYPE, "dampening", dampening);
            Checks.nonNegative(TYPE, "weight decay", weightDecay);
        }

        public Config lr(double lr) {
            return new Config(lr, momentum, dampening, nesterov, weightDecay);
        }

        public Config momentum(double momentum) {
            return new Config(lr, momentum, dampening, nesterov, weightDecay);
        }

        public Config dampening(double dampening) {
            return new Config(lr, momentum, dampening, nesterov, weightDecay);
        }

        public Config nesterov(boolean nesterov) {
            return new Config(lr, momentum, dampening, nesterov, weightDecay);
        }

        public Config weightDecay(double weightDecay) {
            return new Config(lr, momentum, dampening, nesterov, weightDecay);
        }

        /**
         * The optimizer over {@code parameters} (e.g. {@code model.parameters()}), in their order.
         *
         * @throws IllegalArgumentException for Nesterov without momentum or with dampening, or bad parameters
         */
        public Sgd over(Map<String, ? extends Tensor> parameters) {
            if (nesterov && (momentum == 0 || dampening != 0)) {
                throw new IllegalArgumentException(TYPE + ": Nesterov momentum needs momentum > 0 and dampening 0, got "
                        + "momentum " + momentum + " and dampening " + dampening);
            }
            return new Sgd(this, parameters);
        }

        /** The optimizer over unnamed parameters, which are named "0", "1", ... in iteration order. */
        public Sgd over(Iterable<? extends Tensor> parameters) {
            return over(Optimizers.indexed(parameters));
        }
    }

    @Override
    protected void update(Tensor p, Tensor g, ParameterState state) {
        Tensor d = g;
        if (config.weightDecay() != 0) {
            d = temp(g.add(temp(p.mul(config.weightDecay()))));
        }
        double momentum = config.momentum();
        if (momentum != 0) {
            Tensor buf = state.get(MOMENTUM_BUFFER);
            if (buf == null) {
                buf = d.mul(1.0); // a copy the state owns
            } else {
                Tensor scaled = temp(buf.mul(momentum));
                buf = scaled.add(config.dampening() == 0 ? d : temp(d.mul(1 - config.dampening())));
            }
            state.put(MOMENTUM_BUFFER, buf);
            d = config.nesterov() ? temp(d.add(temp(buf.mul(momentum)))) : buf;
        }
        p.assign(temp(p.sub(temp(d.mul(learningRate())))));
    }

    @Override
    protected List<String> tensorSlots() {
        return config.momentum() != 0 ? List.of(MOMENTUM_BUFFER) : List.of();
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return ImmutableMap.of("momentum", config.momentum(), "dampening", config.dampening(), "weight_decay",
                config.weightDecay());
    }

    @Override
    protected Map<String, Boolean> flags() {
        return ImmutableMap.of("nesterov", config.nesterov());
    }
}

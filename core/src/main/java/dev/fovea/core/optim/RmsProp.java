package dev.fovea.core.optim;

import com.google.common.collect.ImmutableMap;
import dev.fovea.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RMSprop (Hinton), with exactly the update of {@code torch.optim.RMSprop}. For a parameter
 * {@code p} with gradient {@code g}:
 *
 * <pre>
 * g = g + weightDecay * p
 * s = alpha * s + (1 - alpha) * g * g
 * avg = sqrt(s) + eps                                      plain
 * a = alpha * a + (1 - alpha) * g;  avg = sqrt(s - a * a) + eps    centered
 * buf = momentum * buf + g / avg;  p = p - lr * buf         momentum > 0
 * p = p - lr * g / avg                                      otherwise
 * </pre>
 *
 * <pre>{@code
 * var optimizer = RmsProp.lr(0.01).momentum(0.9).centered(true).over(model.parameters());
 * }</pre>
 *
 * State slots: {@code square_avg}, {@code momentum_buffer} (momentum > 0), {@code grad_avg} (centered).
 */
public final class RmsProp extends AbstractOptimizer {
    /** The name in {@link OptimizerState#type()}. */
    public static final String TYPE = "RmsProp";
    static final String SQUARE_AVG = "square_avg";
    static final String MOMENTUM_BUFFER = "momentum_buffer";
    static final String GRAD_AVG = "grad_avg";

    private final Config config;

    private RmsProp(Config config, Map<String, ? extends Tensor> parameters) {
        super(TYPE, parameters, config.lr());
        this.config = config;
    }

    /** The defaults (PyTorch's): lr 0.01, alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay. */
    public static Config defaults() {
        return new Config(1e-2, 0.99, 1e-8, 0, false, 0);
    }

    public static Config lr(double lr) {
        return defaults().lr(lr);
    }

    /** This optimizer's settings (its learning rate as constructed; see {@link #learningRate()}). */
    public Config config() {
        return config;
    }

    /**
     * The immutable settings of {@link RmsProp}.
     *
     * @param lr          learning rate, finite and >= 0
     * @param alpha       smoothing constant of the squared-gradient average, in [0, 1)
     * @param eps         added to the denominator, >= 0
     * @param momentum    momentum factor in [0, 1)
     * @param centered    normalise by the estimated variance of the gradient instead of its second moment
     * @param weightDecay L2 penalty added to the gradient, >= 0
     */
    public record Config(double lr, double alpha, double eps, double momentum, boolean centered, double weightDecay) {
        public Config {
            Checks.learningRate(TYPE, lr);
            Checks.unitInterval(TYPE, "alpha", alpha);
            Checks.nonNegative(TYPE, "eps", eps);
            Checks.unitInterval(TYPE, "momentum", momentum);
            Checks.nonNegative(TYPE, "weight decay", weightDecay);
        }

        public Config lr(double lr) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        public Config alpha(double alpha) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        public Config eps(double eps) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        public Config momentum(double momentum) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        public Config centered(boolean centered) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        public Config weightDecay(double weightDecay) {
            return new Config(lr, alpha, eps, momentum, centered, weightDecay);
        }

        /** The optimizer over {@code parameters} (e.g. {@code model.parameters()}), in their order. */
        public RmsProp over(Map<String, ? extends Tensor> parameters) {
            return new RmsProp(this, parameters);
        }

        /** The optimizer over unnamed parameters, which are named "0", "1", ... in iteration order. */
        public RmsProp over(Iterable<? extends Tensor> parameters) {
            return over(Optimizers.indexed(parameters));
        }
    }

    @Override
    protected void update(Tensor p, Tensor g, ParameterState state) {
        double alpha = config.alpha();
        Tensor grad = g;
        if (config.weightDecay() != 0) {
            grad = temp(g.add(temp(p.mul(config.weightDecay()))));
        }
        Tensor squareAvg = temp(state.getOrZeros(SQUARE_AVG, p).mul(alpha)).add(temp(temp(grad.square()).mul(1 - alpha)));
        state.put(SQUARE_AVG, squareAvg);
        Tensor avg;
        if (config.centered()) {
            Tensor gradAvg = temp(state.getOrZeros(GRAD_AVG, p).mul(alpha)).add(temp(grad.mul(1 - alpha)));
            state.put(GRAD_AVG, gradAvg);
            avg = temp(temp(temp(squareAvg.sub(temp(gradAvg.square()))).sqrt()).add(config.eps()));
        } else {
            avg = temp(temp(squareAvg.sqrt()).add(config.eps()));
        }
        double lr = learningRate();
        if (config.momentum() > 0) {
            Tensor buf = temp(state.getOrZeros(MOMENTUM_BUFFER, p).mul(config.momentum())).add(temp(grad.div(avg)));
            state.put(MOMENTUM_BUFFER, buf);
            p.assign(temp(p.sub(temp(buf.mul(lr)))));
        } else {
            p.assign(temp(p.sub(temp(temp(grad.div(avg)).mul(lr)))));
        }
    }

    @Override
    protected List<String> tensorSlots() {
        List<String> slots = new ArrayList<>(List.of(SQUARE_AVG));
        if (config.momentum() > 0) {
            slots.add(MOMENTUM_BUFFER);
        }
        if (config.centered()) {
            slots.add(GRAD_AVG);
        }
        return List.copyOf(slots);
    }

    @Override
    protected Map<String, Double> hyperParameters() {
        return ImmutableMap.of("alpha", config.alpha(), "eps", config.eps(), "momentum", config.momentum(),
                "weight_decay", config.weightDecay());
    }

    @Override
    protected Map<String, Boolean> flags() {
        return ImmutableMap.of("centered", config.centered());
    }
}

package dev.fovea.core.optim;

import dev.fovea.api.Tensor;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter): Adam with <em>decoupled</em> weight decay, exactly as
 * {@code torch.optim.AdamW}. Before the {@link Adam} step (which then runs without an L2 term) each
 * parameter shrinks by {@code p = p - lr * weightDecay * p}, so the decay does not pass through the
 * adaptive denominator.
 *
 * <pre>{@code
 * var optimizer = AdamW.lr(1e-3).weightDecay(0.05).over(model.parameters());
 * }</pre>
 *
 * State slots as {@link Adam}.
 */
public final class AdamW extends AdamUpdate {
    /** The name in {@link OptimizerState#type()}. */
    public static final String TYPE = "AdamW";

    private final Config config;

    private AdamW(Config c, Map<String, ? extends Tensor> parameters) {
        super(TYPE, parameters, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.amsgrad(), true);
        this.config = c;
    }

    /** The defaults (PyTorch's): lr 0.001, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no AMSGrad. */
    public static Config defaults() {
        return new Config(1e-3, 0.9, 0.999, 1e-8, 1e-2, false);
    }

    public static Config lr(double lr) {
        return defaults().lr(lr);
    }

    public static Config betas(double beta1, double beta2) {
        return defaults().betas(beta1, beta2);
    }

    public static Config weightDecay(double weightDecay) {
        return defaults().weightDecay(weightDecay);
    }

    /** This optimizer's settings (its learning rate as constructed; see {@link #learningRate()}). */
    public Config config() {
        return config;
    }

    /**
     * The immutable settings of {@link AdamW}.
     *
     * @param lr          learning rate, finite and >= 0
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the denominator, >= 0
     * @param weightDecay decoupled decay rate (scaled by the learning rate), >= 0
     * @param amsgrad     use the maximum of past second moments
     */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad) {
        public Config {
            validate(TYPE, lr, beta1, beta2, eps, weightDecay);
        }

        public Config lr(double lr) {
            return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        public Config betas(double beta1, double beta2) {
            return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        public Config eps(double eps) {
            return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        public Config weightDecay(double weightDecay) {
            return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        public Config amsgrad(boolean amsgrad) {
            return new Config(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        /** The optimizer over {@code parameters} (e.g. {@code model.parameters()}), in their order. */
        public AdamW over(Map<String, ? extends Tensor> parameters) {
            return new AdamW(this, parameters);
        }

        /** The optimizer over unnamed parameters, which are named "0", "1", ... in iteration order. */
        public AdamW over(Iterable<? extends Tensor> parameters) {
            return over(Optimizers.indexed(parameters));
        }
    }
}

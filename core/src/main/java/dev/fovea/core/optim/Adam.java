package dev.fovea.core.optim;

import dev.fovea.api.Tensor;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba), with exactly the update of {@code torch.optim.Adam}: weight decay is an L2
 * penalty added to the gradient, the moments are bias-corrected, and AMSGrad is optional. For a
 * parameter {@code p} with gradient {@code g} on its {@code t}-th update:
 *
 * <pre>
 * g = g + weightDecay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g * g
 * vmax = max(vmax, v)                                     with amsgrad (then v below is vmax)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 *
 * <pre>{@code
 * var optimizer = Adam.lr(1e-3).betas(0.9, 0.999).over(model.parameters());
 * }</pre>
 *
 * State slots: {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad) and the
 * per-parameter {@code step}. For decoupled weight decay use {@link AdamW}.
 */
public final class Adam extends AdamUpdate {
    /** The name in {@link OptimizerState#type()}. */
    public static final String TYPE = "Adam";

    private final Config config;

    private Adam(Config c, Map<String, ? extends Tensor> parameters) {
        super(TYPE, parameters, c.lr(), c.beta1(), c.beta2(), c.eps(), c.weightDecay(), c.amsgrad(), false);
        this.config = c;
    }

    /** The defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad. */
    public static Config defaults() {
        return new Config(1e-3, 0.9, 0.999, 1e-8, 0, false);
    }

    public static Config lr(double lr) {
        return defaults().lr(lr);
    }

    public static Config betas(double beta1, double beta2) {
        return defaults().betas(beta1, beta2);
    }

    /** This optimizer's settings (its learning rate as constructed; see {@link #learningRate()}). */
    public Config config() {
        return config;
    }

    /**
     * The immutable settings of {@link Adam}.
     *
     * @param lr          learning rate, finite and >= 0
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the denominator, >= 0
     * @param weightDecay L2 penalty added to the gradient, >= 0
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
        public Adam over(Map<String, ? extends Tensor> parameters) {
            return new Adam(this, parameters);
        }

        /** The optimizer over unnamed parameters, which are named "0", "1", ... in iteration order. */
        public Adam over(Iterable<? extends Tensor> parameters) {
            return over(Optimizers.indexed(parameters));
        }
    }
}

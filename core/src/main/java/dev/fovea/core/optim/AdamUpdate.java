package dev.fovea.core.optim;

import com.google.common.collect.ImmutableMap;
import dev.fovea.api.Tensor;
import java.util.List;
import java.util.Map;

/** The update Adam and AdamW share; they differ only in how weight decay enters. */
abstract class AdamUpdate extends AbstractOptimizer {
    static final String EXP_AVG = "exp_avg";
    static final String EXP_AVG_SQ = "exp_avg_sq";
    static final String MAX_EXP_AVG_SQ = "max_exp_avg_sq";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean amsgrad;
    private final boolean decoupled;

    AdamUpdate(String type, Map<String, ? extends Tensor> parameters, double lr, double beta1, double beta2,
            double eps, double weightDecay, boolean amsgrad, boolean decoupled) {
        super(type, parameters, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    static void validate(String who, double lr, double beta1, double beta2, double eps, double weightDecay) {
        Checks.learningRate(who, lr);
        Checks.unitInterval(who, "beta1", beta1);
        Checks.unitInterval(who, "beta2", beta2);
        Checks.nonNegative(who, "eps", eps);
        Checks.nonNegative(who, "weight decay", weightDecay);
    }

    @Override
    protected final void update(Tensor p, Tensor g, ParameterState state) {
        long t = state.incrementStep();
        double lr = learningRate();
        Tensor grad = g;
        if (weightDecay != 0) {
            if (decoupled) {
                p.assign(temp(p.mul(1 - lr * weightDecay)));
            } else {
                grad = temp(g.add(temp(p.mul(weightDecay))));
            }
        }
        Tensor m = temp(state.getOrZeros(EXP_AVG, p).mul(beta1)).add(temp(grad.mul(1 - beta1)));
        state.put(EXP_AVG, m);
        Tensor v = temp(state.getOrZeros(EXP_AVG_SQ, p).mul(beta2)).add(temp(temp(grad.square()).mul(1 - beta2)));
        state.put(EXP_AVG_SQ, v);
        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / biasCorrection1;
        Tensor second = v;
        if (amsgrad) {
            Tensor max = state.getOrZeros(MAX_EXP_AVG_SQ, p).maximum(v);
            state.put(MAX_EXP_AVG_SQ, max);
            second = max;
        }
        Tensor denom = temp(temp(temp(second.sqrt()).div(biasCorrection2Sqrt)).add(eps));
        p.assign(temp(p.sub(temp(temp(m.div(denom)).mul(stepSize)))));
    }

    @Override
    protected final boolean countsParameterSteps() {
        return true;
    }

    @Override
    protected final List<String> tensorSlots() {
        return amsgrad ? List.of(EXP_AVG, EXP_AVG_SQ, MAX_EXP_AVG_SQ) : List.of(EXP_AVG, EXP_AVG_SQ);
    }

    @Override
    protected final Map<String, Double> hyperParameters() {
        return ImmutableMap.of("beta1", beta1, "beta2", beta2, "eps", eps, "weight_decay", weightDecay);
    }

    @Override
    protected final Map<String, Boolean> flags() {
        return ImmutableMap.of("amsgrad", amsgrad);
    }
}

package dev.fovea.core.optim;

import dev.fovea.api.Optimizer;

/**
 * Decays the learning rate by {@code gamma} every {@code stepSize} steps, as {@code torch.optim.lr_scheduler.StepLR}:
 * {@code lr(t) = base * gamma^floor(t / stepSize)}.
 */
public final class StepLr extends AbstractLrScheduler {
    public static final String TYPE = "StepLr";

    private final long stepSize;
    private final double gamma;

    /**
     * @param stepSize steps between decays, >= 1
     * @param gamma    multiplicative factor, finite and > 0
     */
    public StepLr(Optimizer optimizer, long stepSize, double gamma) {
        super(TYPE, optimizer);
        this.stepSize = Checks.atLeastOne(TYPE, "stepSize", stepSize);
        this.gamma = Checks.positive(TYPE, "gamma", gamma);
        seek(0);
    }

    public static StepLr of(Optimizer optimizer, long stepSize, double gamma) {
        return new StepLr(optimizer, stepSize, gamma);
    }

    @Override
    public double lrAt(long step) {
        return baseLr() * Math.pow(gamma, (double) (step / stepSize));
    }
}

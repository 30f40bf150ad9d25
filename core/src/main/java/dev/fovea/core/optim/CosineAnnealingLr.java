package dev.fovea.core.optim;

import dev.fovea.api.Optimizer;

/**
 * Cosine annealing from the base learning rate down to {@code etaMin} over {@code tMax} steps, with
 * the closed form of {@code torch.optim.lr_scheduler.CosineAnnealingLR}:
 * {@code lr(t) = etaMin + (base - etaMin) * (1 + cos(pi * t / tMax)) / 2}. Past {@code tMax} the
 * cosine continues (the rate rises again), as in PyTorch; stop stepping or restart if that is not wanted.
 */
public final class CosineAnnealingLr extends AbstractLrScheduler {
    public static final String TYPE = "CosineAnnealingLr";

    private final long tMax;
    private final double etaMin;

    /**
     * @param tMax   steps of one half cosine, >= 1
     * @param etaMin the minimum learning rate, finite and >= 0
     */
    public CosineAnnealingLr(Optimizer optimizer, long tMax, double etaMin) {
        super(TYPE, optimizer);
        this.tMax = Checks.atLeastOne(TYPE, "tMax", tMax);
        this.etaMin = Checks.nonNegative(TYPE, "etaMin", etaMin);
        seek(0);
    }

    public static CosineAnnealingLr of(Optimizer optimizer, long tMax, double etaMin) {
        return new CosineAnnealingLr(optimizer, tMax, etaMin);
    }

    @Override
    public double lrAt(long step) {
        return etaMin + (baseLr() - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }
}

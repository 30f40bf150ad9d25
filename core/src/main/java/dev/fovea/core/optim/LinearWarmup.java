package dev.fovea.core.optim;

import dev.fovea.api.Optimizer;

/**
 * A linear warm-up from {@code startFactor * base} to {@code base} over {@code warmupSteps} steps (as
 * {@code torch.optim.lr_scheduler.LinearLR}), then hands over to another schedule, as PyTorch's
 * {@code SequentialLR([LinearLR, then], milestones=[warmupSteps])} does:
 *
 * <pre>
 * lr(t) = base * (startFactor + (1 - startFactor) * t / warmupSteps)     t &lt; warmupSteps
 * lr(t) = then.lrAt(t - warmupSteps)                                     afterwards (base without a next schedule)
 * </pre>
 *
 * The warm-up scales the base learning rate of {@code then}. Step only the warm-up: it moves
 * {@code then} along with it.
 *
 * <pre>{@code
 * var schedule = LinearWarmup.of(optimizer, 500, 0.01, CosineAnnealingLr.of(optimizer, 9500, 0.0));
 * }</pre>
 */
public final class LinearWarmup extends AbstractLrScheduler {
    public static final String TYPE = "LinearWarmup";

    private final long warmupSteps;
    private final double startFactor;
    private final LrScheduler then;

    /**
     * @param warmupSteps steps of the ramp, >= 1
     * @param startFactor fraction of the base rate to start from, in (0, 1]
     * @param then        the schedule after the warm-up, over the same optimizer, or {@code null} to keep
     *                    the base rate
     */
    public LinearWarmup(Optimizer optimizer, long warmupSteps, double startFactor, LrScheduler then) {
        super(TYPE, optimizer, then != null ? then.baseLr() : optimizer.learningRate());
        Checks.atLeastOne(TYPE, "warmupSteps", warmupSteps);
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException(TYPE + ": startFactor must be in (0, 1], got " + startFactor);
        }
        if (then != null && then.optimizer() != optimizer) {
            throw new IllegalArgumentException(TYPE + ": the next schedule sets the learning rate of another optimizer");
        }
        this.warmupSteps = warmupSteps;
        this.startFactor = startFactor;
        this.then = then;
        seek(0);
    }

    public static LinearWarmup of(Optimizer optimizer, long warmupSteps, double startFactor, LrScheduler then) {
        return new LinearWarmup(optimizer, warmupSteps, startFactor, then);
    }

    /** A warm-up that stays at the base rate afterwards. */
    public static LinearWarmup of(Optimizer optimizer, long warmupSteps, double startFactor) {
        return new LinearWarmup(optimizer, warmupSteps, startFactor, null);
    }

    @Override
    public double baseLr() {
        return then != null ? then.baseLr() : super.baseLr();
    }

    @Override
    public double lrAt(long step) {
        if (step < warmupSteps) {
            return baseLr() * (startFactor + (1 - startFactor) * step / warmupSteps);
        }
        return then != null ? then.lrAt(step - warmupSteps) : baseLr();
    }

    @Override
    protected void moved(long step) {
        if (then != null) {
            then.seek(Math.max(0, step - warmupSteps));
        }
    }

    @Override
    public LrSchedulerState state() {
        return new LrSchedulerState(TYPE, steps(), baseLr(), then != null ? then.state() : null);
    }

    @Override
    public void load(LrSchedulerState state) {
        checkType(state);
        if ((state.then() == null) != (then == null)) {
            throw new IllegalArgumentException(TYPE + ".load: the state " + (then == null ? "has" : "lacks")
                    + " a schedule after the warm-up, this warm-up " + (then == null ? "does not" : "does"));
        }
        if (then != null) {
            then.load(state.then());
        }
        super.load(state);
    }
}

package dev.fovea.core.optim;

import dev.fovea.api.Optimizer;
import java.util.Objects;

/**
 * The bookkeeping every schedule shares: the optimizer, the base learning rate, the step count and
 * state. A subclass supplies the closed form {@link #lrAt(long)} and calls {@link #seek seek(0)} at the
 * end of its constructor, so that the optimizer starts at {@code lrAt(0)}.
 */
public abstract class AbstractLrScheduler implements LrScheduler {
    private final String type;
    private final Optimizer optimizer;
    private double baseLr;
    private long steps;
    private double lastLr;

    /** The base learning rate is the optimizer's current one. */
    protected AbstractLrScheduler(String type, Optimizer optimizer) {
        this(type, optimizer, Objects.requireNonNull(optimizer, type + ": optimizer").learningRate());
    }

    protected AbstractLrScheduler(String type, Optimizer optimizer, double baseLr) {
        this.type = Objects.requireNonNull(type, "type");
        this.optimizer = Objects.requireNonNull(optimizer, type + ": optimizer");
        this.baseLr = Checks.learningRate(type + " base", baseLr);
    }

    @Override
    public final void step() {
        seek(steps + 1);
    }

    @Override
    public final void seek(long step) {
        if (step < 0) {
            throw new IllegalArgumentException(type + ".seek: step must be >= 0, got " + step);
        }
        moved(step);
        steps = step;
        lastLr = lrAt(step);
        optimizer.setLearningRate(lastLr);
    }

    /** Called by {@link #seek} before the learning rate is set; composite schedules sync their parts here. */
    protected void moved(long step) {}

    @Override
    public final double lastLr() {
        return lastLr;
    }

    @Override
    public final long steps() {
        return steps;
    }

    @Override
    public double baseLr() {
        return baseLr;
    }

    @Override
    public final Optimizer optimizer() {
        return optimizer;
    }

    /** The name in {@link LrSchedulerState#type()}. */
    public final String type() {
        return type;
    }

    @Override
    public LrSchedulerState state() {
        return new LrSchedulerState(type, steps, baseLr());
    }

    @Override
    public void load(LrSchedulerState state) {
        checkType(state);
        baseLr = state.baseLr();
        seek(state.steps());
    }

    /** Fails unless {@code state} is of this scheduler's type. */
    protected final void checkType(LrSchedulerState state) {
        Objects.requireNonNull(state, "state");
        if (!state.type().equals(type)) {
            throw new IllegalArgumentException(type + ".load: the state is of a " + state.type() + " schedule");
        }
    }

    @Override
    public String toString() {
        return type + "[step " + steps + ", lr " + lastLr + "]";
    }
}

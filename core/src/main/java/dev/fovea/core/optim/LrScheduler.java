package dev.fovea.core.optim;

import dev.fovea.api.Optimizer;

/**
 * A learning-rate schedule: a closed-form function {@link #lrAt(long)} of the number of
 * {@link #step()} calls, which it writes into its optimizer's
 * {@link Optimizer#setLearningRate learning rate}.
 *
 * <p><b>When to call {@code step()}.</b> The unit of a schedule is whatever the caller steps it by:
 * call {@code step()} once per epoch (after that epoch's last {@code optimizer.step()}) for
 * epoch-based settings like "decay by 10 every 30 epochs", or once per batch (after each
 * {@code optimizer.step()}) for settings counted in iterations, like a warm-up of 500 batches. The
 * first epoch or batch trains with {@code lrAt(0)}, which the scheduler sets when it is created.
 *
 * <pre>{@code
 * var optimizer = Sgd.momentum(0.9).lr(0.1).over(model.parameters());
 * var schedule = LinearWarmup.of(optimizer, 5, 0.1, CosineAnnealingLr.of(optimizer, 95, 0.0));
 * for (int epoch = 0; epoch < 100; epoch++) {
 *     trainOneEpoch(model, optimizer);
 *     schedule.step();
 * }
 * }</pre>
 */
public interface LrScheduler {

    /** Advances one step (an epoch or a batch, as the caller chose) and sets the optimizer's learning rate. */
    void step();

    /** Moves the schedule to {@code step} and sets the optimizer's learning rate to {@code lrAt(step)}. */
    void seek(long step);

    /** The learning rate this scheduler last set, {@code lrAt(steps())}. */
    double lastLr();

    /** How many times the schedule has been stepped. */
    long steps();

    /** The learning rate the schedule starts from (the optimizer's when the scheduler was made). */
    double baseLr();

    /** The learning rate after {@code step} steps, in closed form. */
    double lrAt(long step);

    /** The optimizer whose learning rate this scheduler sets. */
    Optimizer optimizer();

    /** The position of the schedule, for checkpoints. */
    LrSchedulerState state();

    /**
     * Restores a position taken by {@link #state()} of the same kind of schedule and sets the
     * optimizer's learning rate accordingly.
     *
     * @throws IllegalArgumentException if the state is of another schedule or malformed
     */
    void load(LrSchedulerState state);
}

package dev.fovea.core.train;

import com.google.common.base.Preconditions;

/**
 * Watches a {@link Trainer#fit} run; every method does nothing unless overridden. Calls come on the
 * training thread, in this order:
 *
 * <pre>
 * onTrainStart
 *   (onEpochStart, onBatchEnd × batches, onEpochEnd) × epochs
 * onTrainEnd            — or onTrainError when the run throws
 * </pre>
 *
 * <p>To stop a run, keep the {@link TrainingControl} from {@link #onTrainStart} and call
 * {@link TrainingControl#requestStop}. A learning-rate scheduler is a listener too:
 * {@code TrainingListener.everyEpoch(scheduler::step)}.
 */
public interface TrainingListener {

    /** Before the first batch. */
    default void onTrainStart(TrainingControl control) {}

    /** Before the epoch's first batch; {@code epoch} counts from 0. */
    default void onEpochStart(int epoch) {}

    /** After each optimizer step. */
    default void onBatchEnd(BatchEvent event) {}

    /** After the epoch's batches and its validation. */
    default void onEpochEnd(EpochMetrics metrics) {}

    /** After the last epoch, with what the run returns. */
    default void onTrainEnd(TrainingResult result) {}

    /** When the run fails (a {@link TrainingDivergedException}, a failing model, loader or listener). */
    default void onTrainError(RuntimeException error) {}

    /** Runs {@code action} after every epoch (e.g. {@code scheduler::step} for an epoch-based schedule). */
    static TrainingListener everyEpoch(Runnable action) {
        Preconditions.checkNotNull(action, "action");
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics metrics) {
                action.run();
            }
        };
    }

    /** Runs {@code action} after every optimizer step (e.g. a warm-up schedule's {@code step}). */
    static TrainingListener everyBatch(Runnable action) {
        Preconditions.checkNotNull(action, "action");
        return new TrainingListener() {
            @Override
            public void onBatchEnd(BatchEvent event) {
                action.run();
            }
        };
    }
}

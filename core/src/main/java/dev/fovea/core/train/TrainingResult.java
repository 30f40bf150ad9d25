package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * What a {@link Trainer#fit} run did: every epoch's metrics, the best epoch and why it ended.
 *
 * @param epochs the metrics of the epochs this run trained, in order
 * @param bestEpoch the epoch number (not list index) with the best {@code bestBy} value (with early
 *     stopping: its last improvement by more than {@code minDelta}, whose weights it restores), or -1
 *     when no epoch measured it
 * @param bestBy what "best" was judged by, e.g. {@code "validation loss"}: the early-stopping monitor
 *     when there is one, else the validation loss when validated, else the training loss
 * @param stopCause why the run ended
 * @param stopReason the same for people, e.g. {@code "completed 5 epochs"}
 * @param seconds wall time of the whole run
 */
public record TrainingResult(
        ImmutableList<EpochMetrics> epochs,
        int bestEpoch,
        String bestBy,
        StopCause stopCause,
        String stopReason,
        double seconds) {

    /** Why training ended. */
    public enum StopCause {
        /** Every planned epoch ran. */
        COMPLETED,
        /** {@link EarlyStopping} saw no improvement for its patience. */
        EARLY_STOPPING,
        /** A listener called {@link TrainingControl#requestStop}. */
        REQUESTED
    }

    public TrainingResult {
        Preconditions.checkNotNull(epochs, "epochs");
        Preconditions.checkNotNull(stopCause, "stopCause");
        Preconditions.checkNotNull(stopReason, "stopReason");
    }

    /** Whether the run ended before its last planned epoch (early stopping or a listener's request). */
    public boolean stoppedEarly() {
        return stopCause != StopCause.COMPLETED;
    }

    /** The best epoch's metrics, if any epoch measured what "best" is judged by. */
    public Optional<EpochMetrics> best() {
        return epochs.stream().filter(m -> m.epoch() == bestEpoch).findFirst();
    }

    /** The last epoch's metrics. */
    public Optional<EpochMetrics> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }
}

package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Stops training when a monitored value has not improved for {@code patience} evaluations, like
 * Keras' {@code EarlyStopping}. Immutable configuration; each {@link Trainer#fit} run keeps its own
 * state.
 *
 * <pre>{@code
 * Trainer.epochs(50).earlyStopping(EarlyStopping.onValidationLoss().patience(3).minDelta(1e-3))
 * }</pre>
 *
 * <p>An epoch in which the monitored value was not measured (NaN, e.g. validation skipped by
 * {@link Trainer#evaluateEvery(int)}) neither improves nor uses up patience. An improvement is a value
 * better than the best so far by more than {@code minDelta}. With {@link #restoreBestWeights()} the
 * trainer copies the parameters and buffers at every improvement and writes the best ones back when
 * the run ends (early or not), at the cost of one more copy of the model's memory.
 */
public final class EarlyStopping {

    /** Whether smaller or larger values are better. */
    public enum Mode {
        MIN,
        MAX
    }

    /**
     * A value read from each epoch's metrics.
     *
     * @param name what it is, for messages ({@code "validation loss"})
     * @param value reads it from an epoch's metrics; NaN means not measured that epoch
     * @param mode whether smaller or larger is better
     * @param needsValidation whether it is only measured with a validation loader
     */
    public record Monitor(String name, ToDoubleFunction<EpochMetrics> value, Mode mode, boolean needsValidation) {
        public static final Monitor VALIDATION_LOSS =
                new Monitor("validation loss", EpochMetrics::validationLoss, Mode.MIN, true);
        public static final Monitor VALIDATION_ACCURACY =
                new Monitor("validation accuracy", EpochMetrics::validationAccuracy, Mode.MAX, true);
        public static final Monitor TRAIN_LOSS = new Monitor("training loss", EpochMetrics::trainLoss, Mode.MIN, false);
        public static final Monitor TRAIN_ACCURACY =
                new Monitor("training accuracy", EpochMetrics::trainAccuracy, Mode.MAX, false);

        public Monitor {
            Preconditions.checkNotNull(name, "name");
            Preconditions.checkNotNull(value, "value");
            Preconditions.checkNotNull(mode, "mode");
        }

        /** A custom monitored value, e.g. an extra metric: {@code Monitor.of("val_mae", m -> m.metric("val_mae"), MIN)}. */
        public static Monitor of(String name, ToDoubleFunction<EpochMetrics> value, Mode mode) {
            return new Monitor(name, value, mode, false);
        }

        /** Whether {@code candidate} beats {@code best} by more than {@code minDelta}. */
        boolean improves(double candidate, double best, double minDelta) {
            if (Double.isNaN(best)) {
                return true;
            }
            return mode == Mode.MIN ? candidate < best - minDelta : candidate > best + minDelta;
        }
    }

    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private final boolean restoreBestWeights;

    private EarlyStopping(Monitor monitor, int patience, double minDelta, boolean restoreBestWeights) {
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Early stopping on {@code monitor}, with patience 5, minDelta 0, no weight restoring. */
    public static EarlyStopping on(Monitor monitor) {
        Preconditions.checkNotNull(monitor, "monitor");
        return new EarlyStopping(monitor, 5, 0.0, false);
    }

    /** Stops when the validation loss stops falling. */
    public static EarlyStopping onValidationLoss() {
        return on(Monitor.VALIDATION_LOSS);
    }

    /** Stops when the validation accuracy stops rising. */
    public static EarlyStopping onValidationAccuracy() {
        return on(Monitor.VALIDATION_ACCURACY);
    }

    /** How many evaluations without improvement end the run (at least 1). */
    public EarlyStopping patience(int evaluations) {
        Preconditions.checkArgument(evaluations >= 1, "patience must be >= 1, got %s", evaluations);
        return new EarlyStopping(monitor, evaluations, minDelta, restoreBestWeights);
    }

    /** How much better than the best so far a value must be to count as an improvement (>= 0). */
    public EarlyStopping minDelta(double delta) {
        Preconditions.checkArgument(delta >= 0 && Double.isFinite(delta), "minDelta must be finite and >= 0, got %s",
                delta);
        return new EarlyStopping(monitor, patience, delta, restoreBestWeights);
    }

    /** Overrides whether smaller or larger values are better. */
    public EarlyStopping mode(Mode mode) {
        Preconditions.checkNotNull(mode, "mode");
        return new EarlyStopping(new Monitor(monitor.name(), monitor.value(), mode, monitor.needsValidation()),
                patience, minDelta, restoreBestWeights);
    }

    /** Writes the best epoch's parameters and buffers back into the model when the run ends. */
    public EarlyStopping restoreBestWeights() {
        return new EarlyStopping(monitor, patience, minDelta, true);
    }

    public Monitor monitor() {
        return monitor;
    }

    public int patience() {
        return patience;
    }

    public double minDelta() {
        return minDelta;
    }

    public boolean restoresBestWeights() {
        return restoreBestWeights;
    }

    /** Fresh per-run state. */
    Tracker tracker() {
        return new Tracker();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "EarlyStopping[%s, %s, patience %d, minDelta %s%s]", monitor.name(),
                monitor.mode(), patience, minDelta, restoreBestWeights ? ", restore best weights" : "");
    }

    /** The state of one run: the best value, its epoch, and evaluations since. */
    final class Tracker {
        private double best = Double.NaN;
        private int bestEpoch = -1;
        private int waited;

        /** Whether this epoch's value is a new best. */
        boolean improved;

        /**
         * Takes one epoch's metrics; returns why to stop, or {@code null} to go on. Sets
         * {@link #improved}.
         */
        String update(EpochMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics");
            double v = monitor.value().applyAsDouble(metrics);
            improved = false;
            if (Double.isNaN(v)) {
                return null;
            }
            if (monitor.improves(v, best, minDelta)) {
                best = v;
                bestEpoch = metrics.epoch();
                waited = 0;
                improved = true;
                return null;
            }
            waited++;
            if (waited >= patience) {
                return String.format(Locale.ROOT,
                        "early stopping: %s did not %s by more than %s for %d evaluation%s (best %.6g at epoch %d)",
                        monitor.name(), monitor.mode() == Mode.MIN ? "fall" : "rise", minDelta, patience,
                        patience == 1 ? "" : "s", best, bestEpoch + 1);
            }
            return null;
        }

        double best() {
            return best;
        }

        int bestEpoch() {
            return bestEpoch;
        }
    }
}

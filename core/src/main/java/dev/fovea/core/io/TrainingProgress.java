package dev.fovea.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.fovea.core.tensor.RandomSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a training run stands, as a {@link Checkpoint} records it: enough, with the model, the
 * optimizer and the schedule, to continue exactly.
 *
 * <pre>{@code
 * // after epoch e (counting from 0) finished:
 * TrainingProgress p = TrainingProgress.afterEpoch(e, loaderSeed).withBest(bestAccuracy, bestEpoch);
 * // resuming:
 * trainer.fit(model, loss, optimizer, loader, test, p.epoch(), p.batch());
 * }</pre>
 *
 * @param epoch     the epoch to continue with (from 0): the number of finished epochs when {@code batch} is 0
 * @param batch     the batch of {@code epoch} to continue with (0 at an epoch boundary)
 * @param step      optimizer steps taken so far
 * @param dataSeed  the seed of the training {@link dev.fovea.core.data.DataLoader}, whose order (and
 *                  augmentation) is a function of (seed, epoch): rebuilding the loader with it replays the
 *                  same batches
 * @param bestMetric the best value of the metric the caller tracks (e.g. validation accuracy), NaN if none
 * @param bestEpoch  the epoch that reached {@code bestMetric}, -1 if none
 * @param randomStreams the state of other random streams the caller draws from, by name (the models' own
 *                  Dropout streams are saved separately and automatically)
 * @param extra     free-form strings the caller wants back (e.g. the normalisation used)
 */
public record TrainingProgress(int epoch, int batch, long step, long dataSeed, double bestMetric, int bestEpoch,
        Map<String, RandomSource.State> randomStreams, Map<String, String> extra) {

    public TrainingProgress {
        checkArgument(epoch >= 0, "TrainingProgress: epoch must be >= 0, got %s", epoch);
        checkArgument(batch >= 0, "TrainingProgress: batch must be >= 0, got %s", batch);
        checkArgument(step >= 0, "TrainingProgress: step must be >= 0, got %s", step);
        checkArgument(bestEpoch >= -1, "TrainingProgress: bestEpoch must be >= -1, got %s", bestEpoch);
        randomStreams = ImmutableMap.copyOf(Objects.requireNonNull(randomStreams, "randomStreams"));
        extra = ImmutableMap.copyOf(Objects.requireNonNull(extra, "extra"));
    }

    /**
     * The progress after epoch {@code finishedEpoch} (from 0) ended: the next run starts at epoch
     * {@code finishedEpoch + 1}, batch 0.
     */
    public static TrainingProgress afterEpoch(int finishedEpoch, long dataSeed) {
        return new TrainingProgress(finishedEpoch + 1, 0, 0, dataSeed, Double.NaN, -1, Map.of(), Map.of());
    }

    /** Continue at batch {@code batch} of epoch {@code epoch} (both from 0). */
    public static TrainingProgress at(int epoch, int batch, long dataSeed) {
        return new TrainingProgress(epoch, batch, 0, dataSeed, Double.NaN, -1, Map.of(), Map.of());
    }

    /** With the optimizer step count. */
    public TrainingProgress withStep(long value) {
        return new TrainingProgress(epoch, batch, value, dataSeed, bestMetric, bestEpoch, randomStreams, extra);
    }

    /** With the best metric so far and the epoch that reached it. */
    public TrainingProgress withBest(double metric, int atEpoch) {
        return new TrainingProgress(epoch, batch, step, dataSeed, metric, atEpoch, randomStreams, extra);
    }

    /** With one more named random stream's state. */
    public TrainingProgress withRandomStream(String name, RandomSource.State state) {
        Map<String, RandomSource.State> more = new LinkedHashMap<>(randomStreams);
        more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(state, "state"));
        return new TrainingProgress(epoch, batch, step, dataSeed, bestMetric, bestEpoch, more, extra);
    }

    /** With one more free-form string. */
    public TrainingProgress withExtra(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extra);
        more.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TrainingProgress(epoch, batch, step, dataSeed, bestMetric, bestEpoch, randomStreams, more);
    }
}

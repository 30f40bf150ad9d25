package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableMap;

/**
 * What one epoch measured. Values that were not measured are {@code NaN}: validation values in an
 * epoch without validation (no loader, or not due under {@link Trainer#evaluateEvery(int)}),
 * accuracies when the output is not {@code [batch, classes]} scores.
 *
 * @param epoch the epoch number, from 0, as {@link dev.fovea.core.data.DataLoader#epoch(int)} counts
 * @param trainLoss the mean training loss per sample over the epoch's batches (each batch's mean loss
 *     weighted by its size), measured while the weights were changing
 * @param trainAccuracy the fraction of training samples whose arg-max output equals the label
 * @param validationLoss the mean validation loss per sample, in evaluation mode, after the epoch
 * @param validationAccuracy the fraction of validation samples classified correctly
 * @param samplesPerSecond training samples per second, timed over the training batches only
 * @param seconds the whole epoch's wall time, validation included
 * @param trainSamples the number of training samples seen this epoch
 * @param learningRate the optimizer's learning rate at the end of the epoch's training batches
 * @param metrics the extra {@link Trainer#metric metrics}: each name with its training value and, when
 *     the run has a validation loader, {@code "val_" + name} with its validation value (NaN in epochs
 *     that were not validated)
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double validationLoss,
        double validationAccuracy,
        double samplesPerSecond,
        double seconds,
        long trainSamples,
        double learningRate,
        ImmutableMap<String, Double> metrics) {

    public EpochMetrics {
        Preconditions.checkArgument(epoch >= 0, "epoch must be >= 0, got %s", epoch);
        Preconditions.checkArgument(trainSamples >= 0, "trainSamples must be >= 0, got %s", trainSamples);
        metrics = metrics == null ? ImmutableMap.of() : metrics;
    }

    /** An epoch's numbers without extra metrics (tests, scripted runs). */
    public static EpochMetrics of(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
            double validationAccuracy) {
        return new EpochMetrics(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, Double.NaN,
                Double.NaN, 0, Double.NaN, ImmutableMap.of());
    }

    /** Whether this epoch was validated. */
    public boolean validated() {
        return !Double.isNaN(validationLoss);
    }

    /** An extra metric by name ({@code "val_" + name} for its validation value), or NaN if absent. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}

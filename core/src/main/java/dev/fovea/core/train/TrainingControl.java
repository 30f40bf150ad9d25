package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;

/**
 * The handle a {@link TrainingListener} receives in {@link TrainingListener#onTrainStart}: what the
 * run is, and a way to stop it. Keep it to stop later, from any callback.
 *
 * <p>A stop request is honoured after the current batch: the epoch's metrics then cover the batches
 * that ran, validation still runs if it is due, {@link TrainingListener#onEpochEnd} still fires, and
 * {@link TrainingResult#stopCause()} is {@link TrainingResult.StopCause#REQUESTED}.
 */
public final class TrainingControl {
    private final Layer model;
    private final Optimizer optimizer;
    private final int totalEpochs;
    private final int startEpoch;
    private final int startBatch;
    private final int batchesPerEpoch;
    private final int trainSamples;
    private final boolean validation;
    private volatile String stopReason;

    TrainingControl(Layer model, Optimizer optimizer, int totalEpochs, int startEpoch, int startBatch,
            int batchesPerEpoch, int trainSamples, boolean validation) {
        this.model = model;
        this.optimizer = optimizer;
        this.totalEpochs = totalEpochs;
        this.startEpoch = startEpoch;
        this.startBatch = startBatch;
        this.batchesPerEpoch = batchesPerEpoch;
        this.trainSamples = trainSamples;
        this.validation = validation;
    }

    /** Asks the trainer to stop after the current batch; the first reason given is kept. */
    public void requestStop(String reason) {
        Preconditions.checkNotNull(reason, "reason");
        synchronized (this) {
            if (stopReason == null) {
                stopReason = reason;
            }
        }
    }

    public boolean isStopRequested() {
        return stopReason != null;
    }

    /** Why a stop was requested, or {@code null} when none was. */
    public String stopReason() {
        return stopReason;
    }

    /** The model being trained. */
    public Layer model() {
        return model;
    }

    /** The optimizer updating it (its learning rate is what schedulers change). */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The number of epochs the run ends at: epochs {@code startEpoch() .. totalEpochs() - 1} run. */
    public int totalEpochs() {
        return totalEpochs;
    }

    /** The first epoch this run trains (0 unless resumed). */
    public int startEpoch() {
        return startEpoch;
    }

    /** The batch of {@link #startEpoch()} this run starts at (0 unless resumed mid-epoch). */
    public int startBatch() {
        return startBatch;
    }

    /** Training batches per epoch. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Training examples in the data set. */
    public int trainSamples() {
        return trainSamples;
    }

    /** Whether the run has a validation loader. */
    public boolean hasValidation() {
        return validation;
    }
}

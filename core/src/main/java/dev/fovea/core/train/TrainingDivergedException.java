package dev.fovea.core.train;

import java.util.Locale;

/**
 * Training stopped because a batch's loss was NaN or infinite: the weights cannot recover from that.
 * Thrown before that batch's backward pass, so the parameters still hold the last finite step's
 * values. The message says where it happened and what to change.
 */
public class TrainingDivergedException extends RuntimeException {
    private final int epoch;
    private final int batchIndex;
    private final long step;
    private final double loss;
    private final double learningRate;

    /**
     * @param epoch the epoch number, from 0
     * @param totalEpochs the epoch count of the run, for the message
     * @param batchIndex the batch within the epoch, from 0
     * @param batchesPerEpoch batches per epoch, for the message
     * @param step the global step that failed, from 1 (steps since epoch 0, batch 0)
     * @param loss the non-finite loss
     * @param learningRate the optimizer's learning rate at that step
     * @param gradientClip the clipping norm in use, or a non-positive value for none
     */
    public TrainingDivergedException(int epoch, int totalEpochs, int batchIndex, int batchesPerEpoch, long step,
            double loss, double learningRate, double gradientClip) {
        super(message(epoch, totalEpochs, batchIndex, batchesPerEpoch, step, loss, learningRate, gradientClip));
        this.epoch = epoch;
        this.batchIndex = batchIndex;
        this.step = step;
        this.loss = loss;
        this.learningRate = learningRate;
    }

    private static String message(int epoch, int totalEpochs, int batchIndex, int batchesPerEpoch, long step,
            double loss, double learningRate, double gradientClip) {
        String clip = gradientClip > 0
                ? "clip gradients harder (the max norm is now " + fmt(gradientClip) + ")"
                : "enable gradient clipping (Trainer.gradientClip(1.0))";
        return String.format(Locale.ROOT,
                "training diverged: the loss is %s at epoch %d/%d (epoch index %d), batch %d/%d (batch index %d),"
                        + " step %d. The weights were not updated with it. Try: lower the learning rate (now %s),"
                        + " %s, check the inputs are normalized (about mean 0, standard deviation 1) and the labels"
                        + " are in range",
                loss, epoch + 1, totalEpochs, epoch, batchIndex + 1, batchesPerEpoch, batchIndex, step,
                fmt(learningRate), clip);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("\\.?0+($|e)", "$1");
    }

    /** The epoch number, from 0. */
    public int epoch() {
        return epoch;
    }

    /** The batch index within the epoch, from 0. */
    public int batchIndex() {
        return batchIndex;
    }

    /** The global step that produced the loss, from 1. */
    public long step() {
        return step;
    }

    /** The NaN or infinite loss. */
    public double loss() {
        return loss;
    }

    /** The learning rate at that step. */
    public double learningRate() {
        return learningRate;
    }
}

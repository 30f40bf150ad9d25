package dev.fovea.core.inject;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.core.train.Trainer;

/**
 * The numbers a training run is configured with, as one immutable value an injector can hand out:
 * the {@link Trainer}'s own settings and those the application uses to build its data loaders and
 * optimizer.
 *
 * <pre>{@code
 * TrainingSettings settings = TrainingSettings.defaults().withEpochs(5).withLearningRate(0.01);
 * }</pre>
 *
 * @param epochs passes over the training data (the Trainer's epoch count)
 * @param batchSize examples per gradient step (for the training {@code DataLoader})
 * @param learningRate the optimizer's learning rate
 * @param seed seeds initial weights and shuffling
 * @param gradientClip global L2 norm the Trainer clips gradients to, 0 for none
 * @param evaluateEvery the Trainer validates after every this many epochs (and after the last)
 */
public record TrainingSettings(int epochs, int batchSize, double learningRate, long seed, double gradientClip,
        int evaluateEvery) {

    public TrainingSettings {
        checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
        checkArgument(batchSize >= 1, "batchSize must be >= 1, got %s", batchSize);
        checkArgument(learningRate > 0 && Double.isFinite(learningRate),
                "learningRate must be positive and finite, got %s", learningRate);
        checkArgument(gradientClip == 0 || (gradientClip > 0 && Double.isFinite(gradientClip)),
                "gradientClip must be positive and finite (or 0 for none), got %s", gradientClip);
        checkArgument(evaluateEvery >= 1, "evaluateEvery must be >= 1, got %s", evaluateEvery);
    }

    /** 5 epochs, batches of 64, learning rate 0.01, seed 42, no clipping, validation every epoch. */
    public static TrainingSettings defaults() {
        return new TrainingSettings(5, 64, 0.01, 42, 0, 1);
    }

    public TrainingSettings withEpochs(int value) {
        return new TrainingSettings(value, batchSize, learningRate, seed, gradientClip, evaluateEvery);
    }

    public TrainingSettings withBatchSize(int value) {
        return new TrainingSettings(epochs, value, learningRate, seed, gradientClip, evaluateEvery);
    }

    public TrainingSettings withLearningRate(double value) {
        return new TrainingSettings(epochs, batchSize, value, seed, gradientClip, evaluateEvery);
    }

    public TrainingSettings withSeed(long value) {
        return new TrainingSettings(epochs, batchSize, learningRate, value, gradientClip, evaluateEvery);
    }

    public TrainingSettings withGradientClip(double value) {
        return new TrainingSettings(epochs, batchSize, learningRate, seed, value, evaluateEvery);
    }

    public TrainingSettings withEvaluateEvery(int value) {
        return new TrainingSettings(epochs, batchSize, learningRate, seed, gradientClip, value);
    }

    /** A Trainer with this run's epochs, clipping and validation interval, and no listeners yet. */
    public Trainer trainer() {
        return Trainer.epochs(epochs).gradientClip(gradientClip).evaluateEvery(evaluateEvery);
    }
}

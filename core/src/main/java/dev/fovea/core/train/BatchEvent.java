package dev.fovea.core.train;

/**
 * One finished training step, as {@link TrainingListener#onBatchEnd} receives it.
 *
 * @param epoch the epoch number, from 0
 * @param batchIndex the batch's index within the epoch, from 0
 * @param batchesPerEpoch how many batches the epoch has
 * @param step the global step count after this batch: optimizer steps since epoch 0 batch 0,
 *     counting the batches a resumed run skipped
 * @param loss this batch's mean loss
 * @param batchSize the number of examples in this batch
 * @param samplesPerSecond training samples per second in this epoch so far
 * @param learningRate the optimizer's learning rate used for this step
 */
public record BatchEvent(
        int epoch,
        int batchIndex,
        int batchesPerEpoch,
        long step,
        double loss,
        int batchSize,
        double samplesPerSecond,
        double learningRate) {
}

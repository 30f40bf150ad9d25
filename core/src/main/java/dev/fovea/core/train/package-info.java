/**
 * Training loops: the {@link dev.fovea.core.train.Trainer} that fits a model to a data loader, and
 * what watches it.
 *
 * <ul>
 *   <li>{@link dev.fovea.core.train.Trainer}: immutable fluent configuration (epochs, listeners,
 *       gradient clipping, validation frequency, early stopping, extra metrics) and {@code fit}, which
 *       runs zero-grad, forward, loss, backward, clip, step over every batch, validates in evaluation
 *       mode under {@link dev.fovea.core.tensor.NoGrad}, and returns a
 *       {@link dev.fovea.core.train.TrainingResult}. It can resume at any epoch and batch.</li>
 *   <li>{@link dev.fovea.core.train.LossFunction}: {@code (output, target) -> scalar}, so that
 *       {@code Losses::crossEntropy} fits.</li>
 *   <li>{@link dev.fovea.core.train.TrainingListener} and its events
 *       ({@link dev.fovea.core.train.BatchEvent}, {@link dev.fovea.core.train.EpochMetrics}), with
 *       {@link dev.fovea.core.train.TrainingControl} to stop a run; ready-made listeners:
 *       {@link dev.fovea.core.train.ConsoleProgress} (a progress bar, or plain lines when the console
 *       is not a terminal) and {@link dev.fovea.core.train.CsvLogger}.</li>
 *   <li>{@link dev.fovea.core.train.EarlyStopping}: stop when a monitored value stops improving.</li>
 *   <li>{@link dev.fovea.core.train.TrainingDivergedException}: thrown when the loss becomes NaN or
 *       infinite, with what to change.</li>
 *   <li>{@link dev.fovea.core.train.Training#moveTo}: moves a model and its optimizer state to another
 *       device in one call (e.g. from the CPU to OpenCL halfway through training).</li>
 * </ul>
 *
 * <p>The {@link dev.fovea.core.train.Trainer} reaches layers, losses and optimizers through the api's
 * {@link dev.fovea.api.Layer} and {@link dev.fovea.api.Optimizer} and through
 * {@link dev.fovea.core.train.LossFunction} (it uses {@code dev.fovea.core.optim} only for gradient
 * clipping); {@link dev.fovea.core.train.Training} works on {@code dev.fovea.core.nn} and
 * {@code dev.fovea.core.optim} directly. Neither of those depends on this package.
 *
 * <p>Epochs are numbered from 0 in the API, as {@link dev.fovea.core.data.DataLoader#epoch(int)}
 * numbers them (so that a checkpoint taken after epoch {@code k} resumes with the loader's epoch
 * {@code k + 1} order); text for people ({@code epoch 1/5}) counts from 1.
 */
package dev.fovea.core.train;

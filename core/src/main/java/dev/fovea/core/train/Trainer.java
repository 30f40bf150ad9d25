package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import com.google.common.base.Stopwatch;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.fovea.api.DType;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.Batch;
import dev.fovea.core.data.BatchIterator;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.optim.GradClip;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.TensorScope;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fits a model: the training loop, validation, metrics, listeners, early stopping and divergence
 * detection. Immutable: every setter returns a new trainer, so one configuration can run many times.
 *
 * <pre>{@code
 * TrainingResult result = Trainer.epochs(5)
 *         .listener(new ConsoleProgress())
 *         .fit(model, Losses::crossEntropy, optimizer, trainLoader, testLoader);
 * }</pre>
 *
 * <p><b>One training step</b> per batch: {@code optimizer.zeroGrad()}, {@code output =
 * model.forward(inputs)}, {@code loss = lossFunction.apply(output, labels)}, then the loss and the
 * number of correct predictions (and any extra {@link #metric metrics}) are copied to the host in one
 * small transfer, a NaN or infinite loss throws {@link TrainingDivergedException} (before the weights
 * change), and otherwise {@code loss.backward()}, optional {@link #gradientClip gradient clipping} and
 * {@code optimizer.step()} follow. Each step runs in a {@link TensorScope}: the batch, the output,
 * the loss and every intermediate (activations, gradients flowing through backward, temporaries) are
 * released when it ends, so device memory in use returns to the same level after every step. The
 * parameters' gradients stay readable (e.g. in {@link TrainingListener#onBatchEnd}) until the next
 * step begins, which releases them. The model is in training mode for the training batches.
 *
 * <p><b>Validation</b> runs after an epoch when it is due ({@link #evaluateEvery(int)}, and always
 * after the last planned epoch), over the whole validation loader's epoch 0, with the model in
 * evaluation mode and inside a {@link NoGrad} scope; the mode is restored afterwards. At the end of
 * the run the model is left in the mode it had when {@code fit} was called.
 *
 * <p><b>Accuracy</b> is measured when the output is shaped {@code [batch, classes]}: the arg-max over
 * classes is compared with the INT32 labels on the device. Otherwise accuracies are NaN.
 *
 * <p><b>Throughput</b> (samples per second) is timed with a Guava {@link Stopwatch} over the training
 * batches only: loading them, the steps themselves; not validation and not listeners.
 */
public final class Trainer {
    private final int epochs;
    private final ImmutableList<TrainingListener> listeners;
    private final double gradientClip;
    private final int evaluateEvery;
    private final EarlyStopping earlyStopping;
    private final ImmutableMap<String, LossFunction> metrics;

    private Trainer(int epochs, ImmutableList<TrainingListener> listeners, double gradientClip, int evaluateEvery,
            EarlyStopping earlyStopping, ImmutableMap<String, LossFunction> metrics) {
        this.epochs = epochs;
        this.listeners = listeners;
        this.gradientClip = gradientClip;
        this.evaluateEvery = evaluateEvery;
        this.earlyStopping = earlyStopping;
        this.metrics = metrics;
    }

    /** A trainer that runs {@code epochs} epochs, validating after each, with no listeners. */
    public static Trainer epochs(int epochs) {
        Preconditions.checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
        return new Trainer(epochs, ImmutableList.of(), 0, 1, null, ImmutableMap.of());
    }

    // ---- Configuration (each returns a new trainer) ----------------------------------------------

    /** The same configuration with another epoch count. */
    public Trainer withEpochs(int epochs) {
        Preconditions.checkArgument(epochs >= 1, "epochs must be >= 1, got %s", epochs);
        return new Trainer(epochs, listeners, gradientClip, evaluateEvery, earlyStopping, metrics);
    }

    /** Adds a listener; listeners are called in the order they were added. */
    public Trainer listener(TrainingListener listener) {
        Preconditions.checkNotNull(listener, "listener");
        return new Trainer(epochs, ImmutableList.<TrainingListener>builder().addAll(listeners).add(listener).build(),
                gradientClip, evaluateEvery, earlyStopping, metrics);
    }

    /** Adds listeners in iteration order (e.g. a Guice multibound set). */
    public Trainer listeners(Iterable<? extends TrainingListener> more) {
        Preconditions.checkNotNull(more, "listeners");
        return new Trainer(epochs, ImmutableList.<TrainingListener>builder().addAll(listeners).addAll(more).build(),
                gradientClip, evaluateEvery, earlyStopping, metrics);
    }

    /**
     * Clips the gradients to global L2 norm {@code maxNorm} before every optimizer step (see
     * {@link GradClip#clipByNormOnDevice}); 0 turns clipping off.
     */
    public Trainer gradientClip(double maxNorm) {
        Preconditions.checkArgument(maxNorm == 0 || (maxNorm > 0 && Double.isFinite(maxNorm)),
                "gradientClip: maxNorm must be positive and finite (or 0 for none), got %s", maxNorm);
        return new Trainer(epochs, listeners, maxNorm, evaluateEvery, earlyStopping, metrics);
    }

    /**
     * Validates after every {@code epochs}-th epoch (counting from 1) and after the last planned one;
     * default 1.
     */
    public Trainer evaluateEvery(int epochs) {
        Preconditions.checkArgument(epochs >= 1, "evaluateEvery must be >= 1, got %s", epochs);
        return new Trainer(this.epochs, listeners, gradientClip, epochs, earlyStopping, metrics);
    }

    /** Stops when {@code stopping}'s monitored value stops improving; {@code null} removes it. */
    public Trainer earlyStopping(EarlyStopping stopping) {
        return new Trainer(epochs, listeners, gradientClip, evaluateEvery, stopping, metrics);
    }

    /**
     * Also measures {@code metric} — a batch-mean like a loss, e.g. {@code Losses::mse} — on the
     * training and validation batches. {@link EpochMetrics#metrics()} holds it under {@code name} and
     * {@code "val_" + name}. Costs no extra transfer: it travels with the loss.
     */
    public Trainer metric(String name, LossFunction metric) {
        Preconditions.checkArgument(name != null && !name.isBlank(), "metric name must not be blank");
        Preconditions.checkNotNull(metric, "metric");
        Preconditions.checkArgument(!metrics.containsKey(name), "metric %s is already configured", name);
        return new Trainer(epochs, listeners, gradientClip, evaluateEvery, earlyStopping,
                ImmutableMap.<String, LossFunction>builder().putAll(metrics).put(name, metric).build());
    }

    // ---- What it is -----------------------------------------------------------------------------

    /** The epoch count: a run trains epochs {@code startEpoch .. totalEpochs() - 1}. */
    public int totalEpochs() {
        return epochs;
    }

    public ImmutableList<TrainingListener> listeners() {
        return listeners;
    }

    /** The gradient clipping norm, 0 for none. */
    public double gradientClip() {
        return gradientClip;
    }

    public int evaluationInterval() {
        return evaluateEvery;
    }

    /** The early stopping rule, or {@code null}. */
    public EarlyStopping earlyStoppingRule() {
        return earlyStopping;
    }

    public ImmutableMap<String, LossFunction> metrics() {
        return metrics;
    }

    // ---- Running ----------------------------------------------------------------------------------

    /**
     * Trains {@code model} from epoch 0.
     *
     * @param validation the loader to validate with, or {@code null} for none
     * @throws TrainingDivergedException when a training loss is NaN or infinite
     */
    public TrainingResult fit(Layer model, LossFunction loss, Optimizer optimizer, DataLoader train,
            DataLoader validation) {
        return fit(model, loss, optimizer, train, validation, 0, 0);
    }

    /**
     * Resumes at the start of epoch {@code startEpoch} (from 0): trains epochs {@code startEpoch ..
     * totalEpochs() - 1}, each with the loader's order for that epoch, so that a run restored from a
     * checkpoint taken after epoch {@code startEpoch - 1} sees exactly the data it would have seen.
     */
    public TrainingResult fit(Layer model, LossFunction loss, Optimizer optimizer, DataLoader train,
            DataLoader validation, int startEpoch) {
        return fit(model, loss, optimizer, train, validation, startEpoch, 0);
    }

    /**
     * Resumes at batch {@code startBatch} of epoch {@code startEpoch} (both from 0). The first epoch's
     * training metrics then cover only the batches it ran. Early-stopping state starts afresh.
     */
    public TrainingResult fit(Layer model, LossFunction loss, Optimizer optimizer, DataLoader train,
            DataLoader validation, int startEpoch, int startBatch) {
        Preconditions.checkNotNull(model, "model");
        Preconditions.checkNotNull(loss, "loss function");
        Preconditions.checkNotNull(optimizer, "optimizer");
        Preconditions.checkNotNull(train, "training loader");
        Preconditions.checkArgument(startEpoch >= 0 && startEpoch < epochs,
                "startEpoch %s is outside [0, %s): this trainer runs %s epochs", startEpoch, epochs, epochs);
        int batches = train.batchesPerEpoch();
        Preconditions.checkArgument(batches > 0, "the training loader yields no batches (data set %s, batch size %s)",
                train.dataset().size(), train.batchSize());
        Preconditions.checkArgument(startBatch >= 0 && startBatch < batches,
                "startBatch %s is outside [0, %s) (batches per epoch)", startBatch, batches);
        Preconditions.checkArgument(earlyStopping == null || validation != null
                        || !earlyStopping.monitor().needsValidation(),
                "early stopping monitors the %s, but fit was given no validation loader",
                earlyStopping == null ? "" : earlyStopping.monitor().name());
        return new Run(model, loss, optimizer, train, validation, startEpoch, startBatch).run();
    }

    @Override
    public String toString() {
        return "Trainer[epochs " + epochs + ", " + listeners.size() + " listeners"
                + (gradientClip > 0 ? ", gradientClip " + gradientClip : "")
                + (evaluateEvery != 1 ? ", evaluateEvery " + evaluateEvery : "")
                + (earlyStopping != null ? ", " + earlyStopping : "")
                + (metrics.isEmpty() ? "" : ", metrics " + metrics.keySet()) + "]";
    }

    /** Sums of one pass over batches: loss and metrics weighted by batch size, correct predictions. */
    private static final class Totals {
        final double[] metricSums;
        double lossSum;
        double correct;
        long samples;
        boolean accuracyMeasured = true;

        Totals(int metricCount) {
            metricSums = new double[metricCount];
        }

        void add(double[] values, int size) {
            lossSum += values[0] * size;
            if (Double.isNaN(values[1])) {
                accuracyMeasured = false;
            } else {
                correct += values[1];
            }
            for (int i = 0; i < metricSums.length; i++) {
                metricSums[i] += values[2 + i] * size;
            }
            samples += size;
        }

        double meanLoss() {
            return samples == 0 ? Double.NaN : lossSum / samples;
        }

        double accuracy() {
            return samples == 0 || !accuracyMeasured ? Double.NaN : correct / samples;
        }

        double metric(int i) {
            return samples == 0 ? Double.NaN : metricSums[i] / samples;
        }
    }

    /** The state of one {@code fit} call. */
    private final class Run {
        private final Layer model;
        private final LossFunction loss;
        private final Optimizer optimizer;
        private final DataLoader train;
        private final DataLoader validation;
        private final int startEpoch;
        private final int startBatch;
        private final int batchesPerEpoch;
        private final List<String> metricNames = new ArrayList<>(metrics.keySet());
        private final TrainingControl control;
        private final EarlyStopping.Tracker tracker;
        private Map<String, Tensor> bestState;
        private long step;

        Run(Layer model, LossFunction loss, Optimizer optimizer, DataLoader train, DataLoader validation,
                int startEpoch, int startBatch) {
            this.model = model;
            this.loss = loss;
            this.optimizer = optimizer;
            this.train = train;
            this.validation = validation;
            this.startEpoch = startEpoch;
            this.startBatch = startBatch;
            this.batchesPerEpoch = train.batchesPerEpoch();
            this.control = new TrainingControl(model, optimizer, epochs, startEpoch, startBatch, batchesPerEpoch,
                    train.dataset().size(), validation != null);
            this.tracker = earlyStopping == null ? null : earlyStopping.tracker();
            this.step = (long) startEpoch * batchesPerEpoch + startBatch;
        }

        TrainingResult run() {
            boolean initialMode = model.isTraining();
            Stopwatch total = Stopwatch.createStarted();
            try {
                for (TrainingListener l : listeners) {
                    l.onTrainStart(control);
                }
                List<EpochMetrics> history = new ArrayList<>();
                TrainingResult.StopCause cause = TrainingResult.StopCause.COMPLETED;
                String reason = "completed " + epochs + " epochs";
                for (int epoch = startEpoch; epoch < epochs; epoch++) {
                    EpochMetrics m = epoch(epoch);
                    history.add(m);
                    String stop = tracker == null ? null : tracker.update(m);
                    if (tracker != null && tracker.improved && earlyStopping.restoresBestWeights()) {
                        snapshot();
                    }
                    for (TrainingListener l : listeners) {
                        l.onEpochEnd(m);
                    }
                    if (stop != null && epoch < epochs - 1) {
                        cause = TrainingResult.StopCause.EARLY_STOPPING;
                        reason = stop;
                        break;
                    }
                    if (control.isStopRequested() && epoch < epochs - 1) {
                        cause = TrainingResult.StopCause.REQUESTED;
                        reason = "stopped by a listener: " + control.stopReason();
                        break;
                    }
                }
                if (bestState != null) {
                    restore();
                }
                TrainingResult result = result(history, cause, reason, total.elapsed(TimeUnit.NANOSECONDS) / 1e9);
                for (TrainingListener l : listeners) {
                    l.onTrainEnd(result);
                }
                return result;
            } catch (RuntimeException e) {
                for (TrainingListener l : listeners) {
                    try {
                        l.onTrainError(e);
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            } finally {
                closeSnapshot();
                model.setTraining(initialMode);
            }
        }

        private TrainingResult result(List<EpochMetrics> history, TrainingResult.StopCause cause, String reason,
                double seconds) {
            EarlyStopping.Monitor by = earlyStopping != null ? earlyStopping.monitor()
                    : validation != null ? EarlyStopping.Monitor.VALIDATION_LOSS : EarlyStopping.Monitor.TRAIN_LOSS;
            int bestEpoch = -1;
            if (tracker != null) {
                bestEpoch = tracker.bestEpoch(); // with its minDelta, and the epoch whose weights it restores
            } else {
                double best = Double.NaN;
                for (EpochMetrics m : history) {
                    double v = by.value().applyAsDouble(m);
                    if (!Double.isNaN(v) && by.improves(v, best, 0.0)) {
                        best = v;
                        bestEpoch = m.epoch();
                    }
                }
            }
            return new TrainingResult(ImmutableList.copyOf(history), bestEpoch, by.name(), cause, reason, seconds);
        }

        private EpochMetrics epoch(int epoch) {
            Stopwatch wall = Stopwatch.createStarted();
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch);
            }
            Totals totals = new Totals(metricNames.size());
            Stopwatch trainTime = Stopwatch.createUnstarted();
            model.setTraining(true);
            try (BatchIterator batches = train.iterator(epoch, epoch == startEpoch ? startBatch : 0)) {
                trainTime.start();
                while (batches.hasNext()) {
                    int batchIndex = batches.nextBatchIndex();
                    double learningRate = optimizer.learningRate();
                    double[] values;
                    int size;
                    try (Batch batch = batches.next()) {
                        size = batch.size();
                        values = trainStep(batch, epoch, batchIndex);
                    }
                    totals.add(values, size);
                    trainTime.stop();
                    BatchEvent event = new BatchEvent(epoch, batchIndex, batchesPerEpoch, step, values[0], size,
                            perSecond(totals.samples, trainTime), learningRate);
                    for (TrainingListener l : listeners) {
                        l.onBatchEnd(event);
                    }
                    if (control.isStopRequested()) {
                        break;
                    }
                    trainTime.start();
                }
                if (trainTime.isRunning()) {
                    trainTime.stop();
                }
            }
            double learningRate = optimizer.learningRate();
            Totals val = shouldValidate(epoch) ? validate() : null;
            ImmutableMap.Builder<String, Double> extra = ImmutableMap.builder();
            for (int i = 0; i < metricNames.size(); i++) {
                extra.put(metricNames.get(i), totals.metric(i));
            }
            if (validation != null) {
                for (int i = 0; i < metricNames.size(); i++) {
                    extra.put("val_" + metricNames.get(i), val == null ? Double.NaN : val.metric(i));
                }
            }
            return new EpochMetrics(epoch, totals.meanLoss(), totals.accuracy(),
                    val == null ? Double.NaN : val.meanLoss(), val == null ? Double.NaN : val.accuracy(),
                    perSecond(totals.samples, trainTime), wall.elapsed(TimeUnit.NANOSECONDS) / 1e9, totals.samples,
                    learningRate, extra.build());
        }

        private boolean shouldValidate(int epoch) {
            return validation != null && ((epoch + 1) % evaluateEvery == 0 || epoch == epochs - 1);
        }

        private double perSecond(long samples, Stopwatch watch) {
            long nanos = watch.elapsed(TimeUnit.NANOSECONDS);
            return nanos == 0 ? Double.NaN : samples * 1e9 / nanos;
        }

        /**
         * One optimizer step; returns [loss, correct predictions or NaN, metrics...] of the batch. The
         * previous step's gradients are released first; everything the step creates, except the new
         * gradients and the optimizer's state, is released by a {@link TensorScope} when it returns.
         */
        @SuppressWarnings("try") // the scope only brackets the step
        private double[] trainStep(Batch batch, int epoch, int batchIndex) {
            for (Tensor p : optimizer.parameters()) {
                Tensor previous = p.grad();
                if (previous != null) {
                    previous.close();
                }
            }
            optimizer.zeroGrad();
            try (TensorScope scope = TensorScope.open()) {
                return scopedStep(batch, epoch, batchIndex);
            }
        }

        private double[] scopedStep(Batch batch, int epoch, int batchIndex) {
            Tensor output = model.forward(batch.inputs());
            Tensor lossValue = null;
            try {
                lossValue = loss.apply(output, batch.labels());
                checkScalar("the loss function", lossValue);
                Tensor scalarLoss = lossValue;
                double[] values = NoGrad.run(() -> measure(output, scalarLoss, batch));
                step++;
                if (!Double.isFinite(values[0])) {
                    throw new TrainingDivergedException(epoch, epochs, batchIndex, batchesPerEpoch, step, values[0],
                            optimizer.learningRate(), gradientClip);
                }
                lossValue.backward();
                if (gradientClip > 0) {
                    Tensor norm = GradClip.clipByNormOnDevice(optimizer.parameters(), gradientClip);
                    if (norm != null) {
                        norm.close();
                    }
                }
                optimizer.step();
                return values;
            } finally {
                if (lossValue != null && lossValue != output) {
                    lossValue.close();
                }
                if (output != batch.inputs()) {
                    output.close();
                }
            }
        }

        /**
         * The batch's loss, correct-prediction count (NaN when the output is not {@code [batch,
         * classes]}) and metrics, copied to the host in one transfer.
         */
        private double[] measure(Tensor output, Tensor lossValue, Batch batch) {
            DType dtype = lossValue.dtype().isFloatingPoint() ? lossValue.dtype() : DType.FLOAT32;
            List<Tensor> owned = new ArrayList<>();
            try {
                List<Tensor> parts = new ArrayList<>();
                parts.add(own(owned, own(owned, own(owned, lossValue.detach()).reshape()).to(dtype)));
                boolean classifies = output.rank() == 2 && output.shape().dim(0) == batch.size();
                if (classifies) {
                    Tensor predicted = own(owned, output.argmax(1));
                    Tensor hits = own(owned, predicted.eq(batch.labels()));
                    parts.add(own(owned, own(owned, hits.to(dtype)).sum()));
                } else {
                    parts.add(own(owned, Tensors.scalar(lossValue.device(), Double.NaN, dtype)));
                }
                for (String name : metricNames) {
                    Tensor m = metrics.get(name).apply(output, batch.labels());
                    owned.add(m);
                    checkScalar("metric " + name, m);
                    parts.add(own(owned, own(owned, m.reshape()).to(dtype)));
                }
                return own(owned, Tensors.stack(0, parts)).toDoubleArray();
            } finally {
                for (Tensor t : owned) {
                    if (t != output && t != batch.inputs() && t != batch.labels()) {
                        t.close();
                    }
                }
            }
        }

        @SuppressWarnings("try") // the scope only brackets the loop
        private Totals validate() {
            Totals totals = new Totals(metricNames.size());
            boolean mode = model.isTraining();
            model.setTraining(false);
            try (NoGrad scope = NoGrad.enter(); BatchIterator batches = validation.iterator(0, 0)) {
                while (batches.hasNext()) {
                    try (Batch batch = batches.next(); TensorScope batchScope = TensorScope.open()) {
                        Tensor output = model.forward(batch.inputs());
                        Tensor lossValue = null;
                        try {
                            lossValue = loss.apply(output, batch.labels());
                            checkScalar("the loss function", lossValue);
                            totals.add(measure(output, lossValue, batch), batch.size());
                        } finally {
                            if (lossValue != null && lossValue != output) {
                                lossValue.close();
                            }
                            if (output != batch.inputs()) {
                                output.close();
                            }
                        }
                    }
                }
            } finally {
                model.setTraining(mode);
            }
            return totals;
        }

        private void checkScalar(String what, Tensor t) {
            Preconditions.checkArgument(t != null && t.numel() == 1,
                    "%s must return a one-element tensor (the batch mean), got %s", what,
                    t == null ? "null" : "shape " + t.shape());
        }

        /** Copies every parameter and buffer (early stopping's best weights). */
        private void snapshot() {
            if (bestState == null) {
                bestState = new LinkedHashMap<>();
            }
            for (Map.Entry<String, Tensor> e : state().entrySet()) {
                Tensor copy = bestState.get(e.getKey());
                if (copy == null) {
                    bestState.put(e.getKey(), Tensors.zerosLike(e.getValue()).assign(e.getValue()));
                } else {
                    copy.assign(e.getValue());
                }
            }
        }

        @SuppressWarnings("try") // the scope only brackets the writes
        private void restore() {
            try (NoGrad scope = NoGrad.enter()) {
                for (Map.Entry<String, Tensor> e : state().entrySet()) {
                    Tensor copy = bestState.get(e.getKey());
                    if (copy != null) {
                        e.getValue().assign(copy);
                    }
                }
            }
        }

        private void closeSnapshot() {
            if (bestState != null) {
                bestState.values().forEach(Tensor::close);
                bestState = null;
            }
        }

        private Map<String, Tensor> state() {
            Map<String, Tensor> all = new LinkedHashMap<>();
            model.parameters().forEach((k, v) -> all.put("parameter " + k, v));
            model.buffers().forEach((k, v) -> all.put("buffer " + k, v));
            return all;
        }
    }

    private static Tensor own(List<Tensor> owned, Tensor t) {
        owned.add(t);
        return t;
    }
}

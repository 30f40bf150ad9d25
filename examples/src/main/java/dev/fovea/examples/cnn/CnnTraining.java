package dev.fovea.examples.cnn;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Dataset;
import dev.fovea.core.data.Normalize;
import dev.fovea.core.data.TrainTestSplit;
import dev.fovea.core.inject.TrainingSettings;
import dev.fovea.core.nn.Layers;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.Adam;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.plot.Charts;
import dev.fovea.core.plot.EpochPoint;
import dev.fovea.core.plot.FilterGrid;
import dev.fovea.core.train.EpochMetrics;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import dev.fovea.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One training run of a CNN: read the data set, standardise its inputs with the training part's
 * statistics, build the model from a seed, draw its first layer's filters, train with the
 * {@link Trainer} (cross-entropy, SGD with momentum 0.9 or Adam), then draw the filters again and
 * the training curves.
 *
 * @param dataset which data set
 * @param dataDir where its files are, or {@code null} for the default
 * @param model which network
 * @param epochs passes over the training data
 * @param batchSize examples per gradient step
 * @param optimizer {@code "sgd"} (momentum 0.9) or {@code "adam"}
 * @param learningRate the optimizer's step size
 * @param seed seeds the digits' split, the initial weights and the shuffling
 * @param limit use only the first {@code limit} training examples (0: all)
 */
public record CnnTraining(DatasetChoice dataset, Path dataDir, Models model, int epochs, int batchSize,
        String optimizer, double learningRate, long seed, int limit) {

    /** File names under the output directory. */
    public static final String CURVES_PNG = "curves.png";
    public static final String FILTERS_BEFORE_PNG = "filters-before.png";
    public static final String FILTERS_AFTER_PNG = "filters-after.png";

    public CnnTraining {
        if (epochs < 1 || batchSize < 1 || limit < 0 || !(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("epochs and batch size must be at least 1, limit >= 0, and the learning"
                    + " rate positive");
        }
        if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
            throw new IllegalArgumentException("unknown optimizer '" + optimizer + "'; choose sgd or adam");
        }
    }

    /** The default learning rate of an optimizer on a data set: SGD 0.05 on digits, 0.01 elsewhere; Adam 0.001. */
    public static double defaultLearningRate(String optimizer, DatasetChoice dataset) {
        if (optimizer.equals("adam")) {
            return 1e-3;
        }
        return dataset == DatasetChoice.DIGITS ? 0.05 : 0.01;
    }

    /**
     * What a run did.
     *
     * @param device the device it ran on
     * @param trainExamples training examples used
     * @param testExamples test examples
     * @param normalize the input statistics (from the training part)
     * @param parameters trainable scalars in the model
     * @param training the Trainer's result
     * @param curvesPng the training curves
     * @param filtersBeforePng the first layer's filters as initialised
     * @param filtersAfterPng the first layer's filters after training
     * @param filterChange how far training moved the first layer's weights: the norm of (after - before)
     *     divided by the norm of the random initial weights
     */
    public record Result(String device, int trainExamples, int testExamples, Normalize normalize, long parameters,
            TrainingResult training, Path curvesPng, Path filtersBeforePng, Path filtersAfterPng, double filterChange) {

        /** The last epoch's test accuracy. */
        public double testAccuracy() {
            return training.last().map(EpochMetrics::validationAccuracy).orElse(Double.NaN);
        }
    }

    /** Called once the data are read and the model built, before training starts. */
    public interface Ready {
        void ready(Dataset train, Dataset test, Normalize normalize, long parameters);
    }

    /**
     * Runs on {@code device}, reporting progress to {@code progress} and writing the PNGs under {@code out}.
     *
     * @throws java.nio.file.NoSuchFileException when the data set's files are missing (the message says how
     *     to get them)
     * @throws IOException when a data file or a PNG cannot be read or written
     */
    public Result run(Device device, TrainingListener progress, Path out, Ready ready) throws IOException {
        return run(device, progress, out, ready, null);
    }

    /**
     * As {@link #run(Device, TrainingListener, Path, Ready)}, saving checkpoints after every epoch (and
     * continuing from the last one when {@code checkpoints} resumes); {@code null} for none. The result
     * then covers every epoch, those of the resumed run included; the "before" filters are still the
     * seeded random start.
     *
     * @throws CnnCheckpoints.CannotResume when a resume is impossible (no checkpoint, other settings, no
     *     epochs left), saying why
     */
    public Result run(Device device, TrainingListener progress, Path out, Ready ready, CnnCheckpoints checkpoints)
            throws IOException {
        return run(device, settings().trainer().listener(progress), out, ready, checkpoints);
    }

    /** This run's numbers as the {@link TrainingSettings} an injector ({@code FoveaModule}) binds. */
    public TrainingSettings settings() {
        return TrainingSettings.defaults().withEpochs(epochs).withBatchSize(batchSize).withLearningRate(learningRate)
                .withSeed(seed);
    }

    /**
     * As {@link #run(Device, TrainingListener, Path, Ready, CnnCheckpoints)} with a ready
     * {@code trainer} (its epochs and listeners; e.g. from a Guice injector) instead of one built here.
     */
    public Result run(Device device, Trainer trainer, Path out, Ready ready, CnnCheckpoints checkpoints)
            throws IOException {
        if (trainer.totalEpochs() != epochs) {
            throw new IllegalArgumentException("the trainer runs " + trainer.totalEpochs() + " epochs, this run "
                    + epochs);
        }
        TrainTestSplit split = dataset.load(dataDir, seed);
        Dataset train = limit > 0 ? DatasetChoice.firstN(split.train(), limit) : split.train();
        Dataset test = split.test();
        Normalize normalize = Normalize.fit(train);
        Sequential net = model.configFor(train.exampleShape(), train.numClasses()).init(device, seed);
        long parameters = Layers.parameterCount(net);
        ready.ready(train, test, normalize, parameters);
        Tensor firstWeights = net.parameters().get("0.weight");
        Path before = out.resolve(FILTERS_BEFORE_PNG);
        Path after = out.resolve(FILTERS_AFTER_PNG);
        float[] initial = firstWeights.toFloatArray();
        FilterGrid.write(firstWeights, before, filterOptions(firstWeights, "before training: random numbers"));
        AbstractOptimizer opt = optimizer.equals("adam")
                ? Adam.lr(learningRate).over(net.parameters())
                : Sgd.momentum(0.9).lr(learningRate).over(net.parameters());
        CnnCheckpoints.Resumed resumed = null;
        if (checkpoints != null && checkpoints.resumes()) {
            resumed = checkpoints.resume(this, device, normalize);
            net = resumed.model();
            opt = resumed.optimizer();
            firstWeights = net.parameters().get("0.weight");
        }
        if (checkpoints != null) {
            trainer = trainer.listener(checkpoints.saver(this, net, opt, normalize, resumed));
        }
        TrainingResult result;
        try (DataLoader trainLoader = DataLoader.over(train).batchSize(batchSize).shuffle(seed).device(device)
                        .transform(normalize);
                DataLoader testLoader = DataLoader.over(test).batchSize(256).device(device).transform(normalize)) {
            result = trainer.fit(net, Losses::crossEntropy, opt, trainLoader, testLoader,
                    resumed == null ? 0 : resumed.startEpoch());
        }
        if (resumed != null) {
            result = new TrainingResult(ImmutableList.copyOf(CnnCheckpoints.merged(resumed.history(), result.epochs())),
                    result.bestEpoch(), result.bestBy(), result.stopCause(), result.stopReason(), result.seconds());
        }
        FilterGrid.write(firstWeights, after, filterOptions(firstWeights, String.format(Locale.ROOT,
                "after %d epoch%s: test accuracy %.1f%%", epochs, epochs == 1 ? "" : "s",
                100 * result.last().map(EpochMetrics::validationAccuracy).orElse(Double.NaN))));
        List<EpochPoint> points = new ArrayList<>();
        for (EpochMetrics m : result.epochs()) {
            points.add(new EpochPoint(m.epoch() + 1, m.trainLoss(), m.validationAccuracy()));
        }
        Path curves = out.resolve(CURVES_PNG);
        Charts.trainingCurves(String.format(Locale.ROOT, "%s on %s (%s, lr %s)", model.cliName(), dataset.cliName(),
                optimizer, learningRate), points, curves);
        return new Result(device.name(), train.size(), test.size(), normalize, parameters, result, curves, before,
                after, relativeChange(initial, firstWeights.toFloatArray()));
    }

    /** |after - before| / |before| (Euclidean norms). */
    static double relativeChange(float[] before, float[] after) {
        double diff = 0;
        double base = 0;
        for (int i = 0; i < before.length; i++) {
            double d = after[i] - before[i];
            diff += d * d;
            base += (double) before[i] * before[i];
        }
        return base == 0 ? Double.NaN : Math.sqrt(diff / base);
    }

    private static FilterGrid.Options filterOptions(Tensor weights, String when) {
        var shape = weights.shape();
        return FilterGrid.Options.builder()
                .title(String.format(Locale.ROOT, "First layer's %d filters (%dx%d) %s", shape.dim(0), shape.dim(2),
                        shape.dim(3), when))
                .cellPixels(60)
                .build();
    }
}

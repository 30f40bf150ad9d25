package dev.fovea.examples.filters;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.Optimizer;
import dev.fovea.core.data.Shuffle;
import dev.fovea.core.nn.Conv1d;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjDoubleConsumer;

/**
 * The second half of the seed's discussion: learn a peak detector from <em>labels</em>, not from
 * target outputs. Every 3-sample window of a random signal is labelled 1 when its middle value is
 * greater than both neighbours, else 0. A one-filter Conv1d with 3 taps and a bias slides over the
 * signals; its output is a logit, trained with binary cross-entropy (sigmoid included) from random
 * initial weights.
 *
 * <p>A linear filter followed by a threshold cannot express "greater than both neighbours"
 * exactly (that is the intersection of two half-planes, not one), so the filter it learns is the
 * best single linear test it finds, and its accuracy stays below 100%.
 *
 * @param signals how many random training signals (as many again are held out for testing)
 * @param length samples per signal; each gives {@code length - 2} windows
 * @param epochs passes over the training signals
 * @param batchSize signals per gradient step
 * @param learningRate the SGD step size
 * @param momentum the SGD momentum
 * @param initStd the standard deviation of the normal distribution the initial taps come from (the bias starts at 0)
 * @param seed seeds the signals, the initial weights and the batch order
 */
public record PeakClassification(int signals, int length, int epochs, int batchSize, double learningRate,
        double momentum, double initStd, long seed) {

    public static final int DEFAULT_EPOCHS = 30;
    public static final double DEFAULT_LEARNING_RATE = 0.1;

    public PeakClassification {
        if (signals < 1 || length < 3 || epochs < 0 || batchSize < 1 || !(learningRate > 0) || momentum < 0
                || !(initStd > 0)) {
            throw new IllegalArgumentException("peak classification needs signals >= 1, length >= 3, epochs >= 0,"
                    + " batch size >= 1, a positive learning rate and std, momentum >= 0");
        }
    }

    /** 256 training and 256 test signals of 64 samples, SGD with momentum 0.9. */
    public static PeakClassification of(int epochs, double learningRate, long seed) {
        return new PeakClassification(256, 64, epochs, 32, learningRate, 0.9, FilterRegression.DEFAULT_INIT_STD, seed);
    }

    /**
     * What training reached.
     *
     * @param steps filter, bias and training loss after each epoch ({@code steps.get(0)}: the initial ones)
     * @param accuracies test accuracy after each epoch, index as {@code steps}
     * @param designedAccuracy test accuracy of the seed's designed {@code [-1, 1, -1]} with threshold 0
     * @param peakFraction the fraction of test windows that hold a peak (about 1/3 for random signals)
     * @param testWindows how many held-out windows the accuracies are measured on
     * @param seconds wall-clock time of the training
     */
    public record Result(List<FilterStep> steps, double[] accuracies, double designedAccuracy, double peakFraction,
            int testWindows, double seconds) {
        public Result {
            steps = List.copyOf(steps);
            accuracies = accuracies.clone();
        }

        @Override
        public double[] accuracies() {
            return accuracies.clone();
        }

        public FilterStep last() {
            return steps.get(steps.size() - 1);
        }

        public double[] learned() {
            return last().filter();
        }

        public double bias() {
            return last().bias();
        }

        public double accuracy() {
            return accuracies[accuracies.length - 1];
        }

        /** The learned taps divided by their largest absolute value, to compare shapes with [-1, 1, -1]. */
        public double[] normalized() {
            double[] w = learned();
            double max = 0;
            for (double v : w) {
                max = Math.max(max, Math.abs(v));
            }
            double[] out = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                out[i] = max == 0 ? 0 : w[i] / max;
            }
            return out;
        }

        /** The bias on the same scale as {@link #normalized()}. */
        public double normalizedBias() {
            double max = 0;
            for (double v : learned()) {
                max = Math.max(max, Math.abs(v));
            }
            return max == 0 ? 0 : bias() / max;
        }

        /** The signs of the taps, e.g. {@code "-+-"}. */
        public String signPattern() {
            StringBuilder out = new StringBuilder();
            for (double v : learned()) {
                out.append(v > 0 ? '+' : v < 0 ? '-' : '0');
            }
            return out.toString();
        }

        /**
         * Whether the filter acts as a peak detector: it has the sign pattern of [-1, 1, -1] (neighbours
         * suppressed, middle amplified) and classifies held-out windows clearly better than always
         * answering "no peak" would.
         */
        public boolean actsAsPeakDetector() {
            return signPattern().equals("-+-") && accuracy() > Math.max(peakFraction, 1 - peakFraction) + 0.1;
        }
    }

    /**
     * Trains on {@code device}, calling {@code onEpoch} with the initial filter and after every epoch,
     * with that epoch's test accuracy.
     */
    public Result run(Device device, ObjDoubleConsumer<FilterStep> onEpoch) {
        long start = System.nanoTime();
        RandomSource rng = new RandomSource(seed);
        List<FilterStep> steps = new ArrayList<>();
        List<Double> accuracies = new ArrayList<>();
        double designed;
        double peakFraction;
        int testWindows = signals * (length - 2);
        try (Tensor x = Tensors.rand(device, DType.FLOAT32, Shape.of(signals, 1, length), rng);
                Tensor xTest = Tensors.rand(device, DType.FLOAT32, Shape.of(signals, 1, length), rng);
                Tensor y = peakLabels(x);
                Tensor yTest = peakLabels(xTest);
                Tensor designedFilter = Tensors.of(device, new float[] {-1, 1, -1}, 1, 1, 3);
                Tensor zeroBias = Tensors.zeros(device, DType.FLOAT32, Shape.of(1))) {
            Conv1d layer = Conv1d.of(1, 1, 3).weightInit(new Init.Normal(0, initStd)).biasInit(new Init.Zeros())
                    .init(device, rng);
            Optimizer sgd = Sgd.momentum(momentum).lr(learningRate).over(layer.parameters());
            designed = accuracy(xTest, yTest, designedFilter, zeroBias);
            peakFraction = NoGrad.run(yTest::mean).item();
            record(steps, accuracies, onEpoch, 0, layer, x, y, xTest, yTest);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] perm = Shuffle.permutation(signals, seed, epoch);
                for (int from = 0; from < signals; from += batchSize) {
                    int n = Math.min(batchSize, signals - from);
                    try (Tensor xb = gather(x, perm, from, n); Tensor yb = gather(y, perm, from, n)) {
                        sgd.zeroGrad();
                        Tensor loss = Losses.binaryCrossEntropyWithLogits(layer.forward(xb), yb);
                        loss.backward();
                        sgd.step();
                    }
                }
                record(steps, accuracies, onEpoch, epoch, layer, x, y, xTest, yTest);
            }
        }
        return new Result(steps, accuracies.stream().mapToDouble(Double::doubleValue).toArray(), designed,
                peakFraction, testWindows, (System.nanoTime() - start) / 1e9);
    }

    private static void record(List<FilterStep> steps, List<Double> accuracies, ObjDoubleConsumer<FilterStep> onEpoch,
            int epoch, Conv1d layer, Tensor x, Tensor y, Tensor xTest, Tensor yTest) {
        double loss = NoGrad.run(() -> Losses.binaryCrossEntropyWithLogits(layer.forward(x), y)).item();
        FilterStep step = new FilterStep(epoch, loss, layer.weight().toDoubleArray(), layer.bias().item());
        Tensor weight = layer.weight();
        Tensor bias = layer.bias();
        steps.add(step);
        double accuracy = accuracy(xTest, yTest, weight, bias);
        accuracies.add(accuracy);
        onEpoch.accept(step, accuracy);
    }

    /** Labels [N, 1, L - 2]: 1 where the middle of the window is greater than both its neighbours. */
    static Tensor peakLabels(Tensor x) {
        return NoGrad.run(() -> {
            int length = x.shape().dim(2);
            Tensor left = x.slice(2, 0, length - 2);
            Tensor middle = x.slice(2, 1, length - 1);
            Tensor right = x.slice(2, 2, length);
            return middle.gt(left).mul(middle.gt(right));
        });
    }

    /** The fraction of windows where "logit > 0" agrees with the label. */
    static double accuracy(Tensor x, Tensor labels, Tensor weight, Tensor bias) {
        return NoGrad.run(() -> {
            Tensor logits = Functional.conv1d(x, weight, bias, 1, 0, 1, 1);
            return logits.gt(Tensors.zerosLike(logits)).eq(labels).mean();
        }).item();
    }

    private static Tensor gather(Tensor all, int[] perm, int from, int n) {
        List<Tensor> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(all.slice(0, perm[from + i], perm[from + i] + 1));
        }
        return Tensors.concat(0, rows);
    }
}

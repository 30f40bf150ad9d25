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
import java.util.function.Consumer;

/**
 * Learns a known filter back from examples of what it does — the seed question's experiment.
 *
 * <p>Random signals {@code x} (uniform on [0, 1), like MATLAB's {@code rand}) are filtered by the
 * target filter to give the outputs {@code y = xcorr(x, target)} ("valid", as a CNN layer slides
 * it). A one-filter convolution layer without bias starts from weights drawn from a normal
 * distribution centred at 0 and is trained by backpropagation: the mean squared error between its
 * output and {@code y} is differentiated with respect to its weights, and stochastic gradient
 * descent moves the weights against that gradient, a mini-batch of signals at a time.
 *
 * @param target the filter to recover
 * @param signals how many random training signals
 * @param length the length of each signal
 * @param epochs passes over the signals
 * @param batchSize signals per gradient step
 * @param learningRate the SGD step size
 * @param initStd the standard deviation of the normal distribution the initial weights come from
 * @param seed seeds the signals, the initial weights and the batch order
 */
public record FilterRegression(double[] target, int signals, int length, int epochs, int batchSize,
        double learningRate, double initStd, long seed) {

    /** The seed answer's designed filter. */
    public static final double[] SEED_TARGET = {-1, 1, -1};
    public static final int DEFAULT_EPOCHS = 20;
    public static final double DEFAULT_LEARNING_RATE = 0.5;
    public static final double DEFAULT_INIT_STD = 0.5;
    public static final long DEFAULT_SEED = 42;

    public FilterRegression {
        target = target.clone();
        check(target.length >= 1, "the target filter needs at least one tap");
        check(length >= target.length, "signals of length " + length + " are shorter than the target filter ("
                + target.length + " taps)");
        check(signals >= 1 && batchSize >= 1 && epochs >= 0, "signals and batch size must be positive, epochs >= 0");
        check(learningRate > 0 && Double.isFinite(learningRate), "the learning rate must be positive, got "
                + learningRate);
        check(initStd > 0 && Double.isFinite(initStd), "the initial weights' std must be positive");
    }

    /** The seed's experiment with a given target, epochs, learning rate and seed: 256 signals of 32 samples. */
    public static FilterRegression of(double[] target, int epochs, double learningRate, long seed) {
        return new FilterRegression(target, 256, 32, epochs, 32, learningRate, DEFAULT_INIT_STD, seed);
    }

    @Override
    public double[] target() {
        return target.clone();
    }

    /**
     * What training reached.
     *
     * @param target the filter to recover
     * @param steps the filter and loss after each epoch, {@code steps.get(0)} the random initial filter
     * @param seconds wall-clock time of the training
     */
    public record Result(double[] target, List<FilterStep> steps, double seconds) {
        public Result {
            target = target.clone();
            steps = List.copyOf(steps);
        }

        @Override
        public double[] target() {
            return target.clone();
        }

        public double[] initial() {
            return steps.get(0).filter();
        }

        public double[] learned() {
            return steps.get(steps.size() - 1).filter();
        }

        public double finalLoss() {
            return steps.get(steps.size() - 1).loss();
        }

        /** The largest |learned - target| over the taps. */
        public double maxAbsError() {
            double[] learned = learned();
            double max = 0;
            for (int i = 0; i < target.length; i++) {
                max = Math.max(max, Math.abs(learned[i] - target[i]));
            }
            return max;
        }
    }

    /** Trains on {@code device}, calling {@code onEpoch} with the initial filter and after every epoch. */
    public Result run(Device device, Consumer<FilterStep> onEpoch) {
        long start = System.nanoTime();
        RandomSource rng = new RandomSource(seed);
        int k = target.length;
        List<FilterStep> steps = new ArrayList<>();
        try (Tensor x = Tensors.rand(device, DType.FLOAT32, Shape.of(signals, 1, length), rng);
                Tensor targetFilter = Tensors.of(device, toFloats(target), 1, 1, k);
                Tensor y = NoGrad.run(() -> Functional.conv1d(x, targetFilter, null, 1, 0, 1, 1))) {
            Conv1d layer = Conv1d.of(1, 1, k).bias(false).weightInit(new Init.Normal(0, initStd)).init(device, rng);
            Optimizer sgd = Sgd.lr(learningRate).over(layer.parameters());
            record(steps, onEpoch, 0, layer, x, y);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] perm = Shuffle.permutation(signals, seed, epoch);
                for (int from = 0; from < signals; from += batchSize) {
                    int n = Math.min(batchSize, signals - from);
                    try (Tensor xb = gather(x, perm, from, n); Tensor yb = gather(y, perm, from, n)) {
                        sgd.zeroGrad();
                        Tensor loss = Losses.mse(layer.forward(xb), yb);
                        loss.backward();
                        sgd.step();
                    }
                }
                record(steps, onEpoch, epoch, layer, x, y);
            }
        }
        return new Result(target, steps, (System.nanoTime() - start) / 1e9);
    }

    private static void record(List<FilterStep> steps, Consumer<FilterStep> onEpoch, int epoch, Conv1d layer,
            Tensor x, Tensor y) {
        double loss = NoGrad.run(() -> Losses.mse(layer.forward(x), y)).item();
        FilterStep step = new FilterStep(epoch, loss, layer.weight().toDoubleArray(), Double.NaN);
        steps.add(step);
        onEpoch.accept(step);
    }

    private static Tensor gather(Tensor all, int[] perm, int from, int n) {
        List<Tensor> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(all.slice(0, perm[from + i], perm[from + i] + 1));
        }
        return Tensors.concat(0, rows);
    }

    static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

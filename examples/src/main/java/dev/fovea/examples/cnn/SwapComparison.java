package dev.fovea.examples.cnn;

import dev.fovea.api.Device;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Dataset;
import dev.fovea.core.data.Datasets;
import dev.fovea.core.data.Normalize;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.train.BatchEvent;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.Training;
import dev.fovea.core.train.TrainingControl;
import dev.fovea.core.train.TrainingListener;
import java.util.function.IntConsumer;

/**
 * Moving training between devices halfway, compared with staying put: a small CNN (conv 3x3 1->8,
 * batch norm, ReLU, max-pool 2, linear 128->10) learns the 8x8 digits with SGD (momentum 0.9) for
 * {@code steps} steps on one device, and again from the same seed with
 * {@link Training#moveTo the model and its optimizer state moved} to another device after
 * {@code steps / 2} steps. Both runs see the same batches in the same order.
 *
 * @param steps optimizer steps in each run (at least 2)
 * @param batchSize examples per step
 * @param learningRate SGD's step size
 * @param seed seeds the digits' split, the initial weights and the shuffling
 */
public record SwapComparison(int steps, int batchSize, double learningRate, long seed) {

    public SwapComparison {
        if (steps < 2 || batchSize < 1 || !(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("steps must be at least 2, the batch size at least 1 and the learning "
                    + "rate positive; got " + steps + ", " + batchSize + " and " + learningRate);
        }
    }

    /**
     * What the two runs did.
     *
     * @param from the device both runs start on (the reference stays there)
     * @param to the device the swapped run moves to
     * @param swapStep steps done on {@code from} before the move
     * @param lossesReference the training loss of each step of the run that stays on {@code from}
     * @param lossesSwapped the same for the run that moves
     * @param maxRelativeDifference the largest {@code |swapped - reference| / |reference|} over the steps
     * @param seconds the wall time of both runs together
     */
    public record Result(String from, String to, int steps, int swapStep, double[] lossesReference,
            double[] lossesSwapped, double maxRelativeDifference, double seconds) {}

    /** The step at which the swapped run moves: half of {@link #steps}. */
    public int swapStep() {
        return steps / 2;
    }

    /** The CNN, initialised on {@code device} from {@link #seed}. */
    Sequential model(Device device) {
        return Sequential.of(
                Conv2d.of(1, 8, 3).padding(1), BatchNorm2d.of(8), ReLU.of(), MaxPool2d.of(2),
                Flatten.of(), Linear.of(8 * 4 * 4, 10)).init(device, seed);
    }

    /**
     * Runs both; {@code onStep} hears each finished step of the swapped run (1-based; the reference runs
     * first, silently).
     */
    public Result run(Device from, Device to, IntConsumer onStep) {
        long start = System.nanoTime();
        Dataset train = Datasets.digitsSplit(seed, DatasetChoice.DIGITS_TEST_FRACTION).train();
        Normalize normalize = Normalize.fit(train);

        Sequential reference = model(from);
        AbstractOptimizer referenceOptimizer = Sgd.momentum(0.9).lr(learningRate).over(reference.parameters());
        double[] lossesReference = new double[steps];
        try (DataLoader loader = loader(train, normalize, from)) {
            train(reference, referenceOptimizer, loader, 0, steps, lossesReference, i -> { });
        }

        Sequential model = model(from);
        AbstractOptimizer optimizer = Sgd.momentum(0.9).lr(learningRate).over(model.parameters());
        double[] lossesSwapped = new double[steps];
        int swap = swapStep();
        try (DataLoader loader = loader(train, normalize, from)) {
            train(model, optimizer, loader, 0, swap, lossesSwapped, onStep);
        }
        optimizer = Training.moveTo(model, optimizer, to);
        try (DataLoader loader = loader(train, normalize, to)) {
            train(model, optimizer, loader, swap, steps, lossesSwapped, onStep);
        }

        double max = 0;
        for (int i = 0; i < steps; i++) {
            max = Math.max(max, Math.abs(lossesSwapped[i] - lossesReference[i]) / Math.abs(lossesReference[i]));
        }
        return new Result(from.name(), to.name(), steps, swap, lossesReference, lossesSwapped, max,
                (System.nanoTime() - start) / 1e9);
    }

    private DataLoader loader(Dataset train, Normalize normalize, Device device) {
        return DataLoader.over(train).batchSize(batchSize).shuffle(seed).device(device).transform(normalize);
    }

    /** Trains global steps {@code [from, to)}, each epoch in the loader's order for it; records the losses. */
    private void train(Sequential model, AbstractOptimizer optimizer, DataLoader loader, int from, int to,
            double[] losses, IntConsumer onStep) {
        int perEpoch = loader.batchesPerEpoch();
        int epochs = (steps + perEpoch - 1) / perEpoch;
        int[] step = {from};
        Trainer.epochs(epochs).listener(new TrainingListener() {
            private TrainingControl control;

            @Override
            public void onTrainStart(TrainingControl c) {
                control = c;
            }

            @Override
            public void onBatchEnd(BatchEvent event) {
                losses[step[0]++] = event.loss();
                onStep.accept(step[0]);
                if (step[0] == to) {
                    control.requestStop("step " + to);
                }
            }
        }).fit(model, Losses::crossEntropy, optimizer, loader, null, from / perEpoch, from % perEpoch);
        if (step[0] != to) {
            throw new IllegalStateException("trained up to step " + step[0] + " instead of " + to);
        }
    }
}

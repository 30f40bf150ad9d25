package com.example.swish;

import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;
import dev.fovea.core.data.Batch;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Datasets;
import dev.fovea.core.data.TrainTestSplit;
import dev.fovea.core.device.Devices;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Metrics;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.Adam;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.train.ConsoleProgress;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains a small network with a {@link Swish} layer on the bundled 8x8 digits, saves it, loads it back
 * (which needs {@link SwishLayers} on the class path) and checks the reloaded copy scores the same.
 *
 * <p>The device comes from configuration: {@code -Dfovea.backend=cpu|opencl}, else the environment
 * variable {@code FOVEA_BACKEND}, else the best-ranked backend on the class path. Arguments:
 * {@code [epochs] [directory]}, default {@code 10 target/swish-digits}.
 */
public final class TrainDigits {
    private TrainDigits() {}

    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path dir = Path.of(args.length > 1 ? args[1] : "target/swish-digits");
        run(epochs, dir);
    }

    /** Trains, saves and reloads; returns the reloaded model's test accuracy. */
    public static double run(int epochs, Path dir) throws IOException {
        Device device = Devices.defaultDevice();
        System.out.printf(Locale.ROOT, "Device: %s (%s), chosen by %s%n", device.name(), device.info().name(),
                Devices.registry().defaultSource());

        TrainTestSplit digits = Datasets.digitsSplit(42, 0.2);
        Sequential model = Sequential.of(
                        Flatten.of(),                 // [N, 1, 8, 8] -> [N, 64]
                        Linear.of(64, 64),
                        Swish.of(1.0),                // our layer: x * sigmoid(beta x), beta learned
                        Linear.of(64, 10))
                .init(device, 42);
        System.out.println(model);

        Optimizer adam = Adam.lr(0.01).over(model.parameters());
        TrainingResult result;
        double reloadedAccuracy;
        try (DataLoader train = DataLoader.over(digits.train()).batchSize(64).shuffle(42).device(device);
                DataLoader test = DataLoader.over(digits.test()).batchSize(512).device(device)) {
            result = Trainer.epochs(epochs)
                    .listener(ConsoleProgress.plain(System.out))
                    .fit(model, Losses::crossEntropy, adam, train, test);
            Swish swish = (Swish) model.get(2);
            System.out.printf(Locale.ROOT, "Learned beta: %.4f (started at 1.0)%n", swish.beta());

            ModelIo.save(model, dir);
            Layer again = ModelIo.load(dir, device);   // rebuilt from model.json: needs SwishLayers
            reloadedAccuracy = accuracy(again, test);
        }
        double trained = result.last().orElseThrow().validationAccuracy();
        System.out.printf(Locale.ROOT, "Saved to %s; reloaded: test accuracy %.2f%% (trained model: %.2f%%)%n",
                dir, 100 * reloadedAccuracy, 100 * trained);
        return reloadedAccuracy;
    }

    /** The fraction of {@code loader}'s examples that {@code model} classifies correctly. */
    static double accuracy(Layer model, DataLoader loader) {
        model.setTraining(false);
        long correct = 0;
        long total = 0;
        try (NoGrad scope = NoGrad.enter()) {
            for (Batch batch : loader.epoch(0)) {
                try (batch) {
                    correct += Metrics.correct(model.forward(batch.inputs()), batch.labels());
                    total += batch.size();
                }
            }
        }
        return (double) correct / total;
    }
}

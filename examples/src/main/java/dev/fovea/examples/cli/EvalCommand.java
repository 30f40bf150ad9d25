package dev.fovea.examples.cli;

import com.google.gson.JsonObject;
import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.Batch;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Dataset;
import dev.fovea.core.data.Normalize;
import dev.fovea.core.io.CheckpointFormatException;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.examples.cnn.CnnCheckpoints;
import dev.fovea.examples.cnn.DatasetChoice;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea eval --checkpoint DIR}: loads a saved model (rebuilt from its files, no code) and reports
 * its accuracy on a data set's test part, with the input normalisation it was trained with.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Load a saved model or checkpoint (from 'fovea train --checkpoint DIR' or ModelIo.save) and report its "
                    + "accuracy on a data set's test images.",
            "The model is rebuilt from its model.json; the inputs are standardised as in training (the mean and std "
                    + "saved with it)."
        })
public final class EvalCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--checkpoint", paramLabel = "DIR", required = true,
            description = "A saved model directory (model.json + model.safetensors), e.g. DIR/best of 'fovea train "
                    + "--checkpoint DIR'; given DIR itself, DIR/last is read.")
    private Path checkpoint;

    @Option(names = "--dataset", paramLabel = "NAME",
            description = "digits, fashion-mnist or mnist (default: the one the model was trained on).")
    private String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The directory holding the IDX files (as for 'fovea train').")
    private Path dataDir;

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seeds the digits' train/test split (default: the training run's seed, else 42).")
    private Long seed;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256",
            description = "Test images per forward pass (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Override
    public Integer call() {
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        Path dir;
        ModelIo.Loaded loaded;
        try {
            dir = CnnCheckpoints.modelDirectory(checkpoint);
            loaded = ModelIo.read(dir, device);
        } catch (CheckpointFormatException e) {
            throw new ParameterException(spec.commandLine(), "cannot load the model: " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "--checkpoint " + checkpoint + ": "
                    + (e.getReason() != null ? e.getReason() : "no such file " + e.getFile()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Map<String, String> metadata = loaded.metadata();
        DatasetChoice data;
        Normalize normalize;
        long splitSeed;
        try {
            String name = dataset != null ? dataset : metadata.get(CnnCheckpoints.DATASET);
            if (name == null) {
                throw new IllegalArgumentException("--dataset is needed: the model's metadata does not say what it "
                        + "was trained on");
            }
            data = DatasetChoice.named(name);
            normalize = CnnCheckpoints.normalization(metadata);
            splitSeed = seed != null ? seed : metadata.containsKey(CnnCheckpoints.SEED)
                    ? Long.parseLong(metadata.get(CnnCheckpoints.SEED)) : 42;
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Dataset test;
        try {
            test = data.load(dataDir, splitSeed).test();
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "the " + data.cliName() + " data set is missing: "
                    + (e.getReason() != null ? e.getFile() + ": " + e.getReason() : e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Result r = evaluate(loaded.model(), test, normalize, device, batchSize);

        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject json = Json.forCommand("eval");
            json.addProperty("checkpoint", dir.toString());
            json.addProperty("dataset", data.cliName());
            json.addProperty("accuracy", r.accuracy());
            json.addProperty("loss", r.loss());
            json.addProperty("samples", r.samples());
            json.addProperty("correct", r.correct());
            json.addProperty("device", device.name());
            json.addProperty("normalized", normalize != null);
            Json.print(out, json);
        } else {
            out.printf(Locale.ROOT, "Model: %s (rebuilt from %s)%n", dir, ModelIo.CONFIG_FILE);
            out.printf(Locale.ROOT, "Data: %s test part, %,d images%s.%n", data.describe(dataDir), r.samples(),
                    normalize == null ? ", not standardised (no normalisation saved with the model)"
                            : ", standardised as in training");
            out.printf(Locale.ROOT, "Accuracy: %.2f%% (%d of %d correct), mean cross-entropy %.4f, on %s.%n",
                    100 * r.accuracy(), r.correct(), r.samples(), r.loss(), device.name());
            out.flush();
        }
        return 0;
    }

    /** Accuracy and mean loss over a test set. */
    record Result(long samples, long correct, double loss) {
        double accuracy() {
            return samples == 0 ? Double.NaN : (double) correct / samples;
        }
    }

    /** Runs {@code model} in evaluation mode over {@code test}, as the Trainer's validation does. */
    @SuppressWarnings("try") // the scope brackets the loop
    static Result evaluate(Layer model, Dataset test, Normalize normalize, Device device, int batchSize) {
        model.setTraining(false);
        DataLoader loader = DataLoader.over(test).batchSize(batchSize).device(device);
        if (normalize != null) {
            loader = loader.transform(normalize);
        }
        long samples = 0;
        long correct = 0;
        double lossSum = 0;
        try (NoGrad scope = NoGrad.enter(); DataLoader l = loader) {
            for (Batch batch : l.epoch(0)) {
                try (batch) {
                    Tensor output = model.forward(batch.inputs());
                    Tensor loss = Losses.crossEntropy(output, batch.labels());
                    Tensor predicted = output.argmax(1);
                    Tensor hits = predicted.eq(batch.labels()).to(DType.FLOAT32);
                    lossSum += loss.item() * batch.size();
                    correct += Math.round(hits.sum().item());
                    samples += batch.size();
                    for (Tensor t : new Tensor[] {loss, hits, predicted, output}) {
                        t.close();
                    }
                }
            }
        }
        return new Result(samples, correct, samples == 0 ? Double.NaN : lossSum / samples);
    }
}

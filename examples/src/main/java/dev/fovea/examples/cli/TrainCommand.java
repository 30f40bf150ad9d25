package dev.fovea.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.inject.Injector;
import dev.fovea.api.Device;
import dev.fovea.core.data.Normalize;
import dev.fovea.core.io.CheckpointFormatException;
import dev.fovea.core.train.ConsoleProgress;
import dev.fovea.core.train.EpochMetrics;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import dev.fovea.examples.cnn.CnnCheckpoints;
import dev.fovea.examples.cnn.CnnTraining;
import dev.fovea.examples.cnn.DatasetChoice;
import dev.fovea.examples.cnn.Models;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea train}: trains a CNN on an image data set with the Trainer and draws what its first
 * layer learned.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Train a CNN (LeNet or a small VGG-style net) on digits, Fashion-MNIST or MNIST, showing progress, and "
                    + "write under --out: curves.png (train loss and test accuracy per epoch), filters-before.png "
                    + "and filters-after.png (the first convolution's filters before and after training).",
            "Inputs are standardised with the training data's mean and standard deviation."
        })
public final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "digits",
            description = "digits (bundled, 8x8, 1,797 images, seeded 80/20 split), fashion-mnist or mnist "
                    + "(default: ${DEFAULT-VALUE}).")
    private String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "The directory holding the four IDX files (train-images-idx3-ubyte.gz, ...). "
                    + "fashion-mnist defaults to /usr/share/datasets/fashion-mnist (Debian package "
                    + "dataset-fashion-mnist); mnist needs it.")
    private Path dataDir;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "lenet",
            description = "lenet or vgg (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "5",
            description = "Passes over the training data (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "Examples per gradient step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd",
            description = "sgd (with momentum 0.9) or adam (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: sgd 0.05 on digits and 0.01 elsewhere, adam 0.001).")
    private Double learningRate;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seeds the digits' split, the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Train on only the first N training examples (0, the default: all of them); the test set "
                    + "stays whole. Handy for quick runs.")
    private int limit;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fovea-out",
            description = "Where the PNGs go (default: ${DEFAULT-VALUE}); created when they are written.")
    private Path out;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "Save a checkpoint after every epoch into DIR/last/, and into DIR/best/ whenever the test "
                    + "accuracy is the best so far; each is a directory that 'fovea eval --checkpoint' and "
                    + "ModelIo.load read. Saves are atomic: an interrupted save leaves the previous one.")
    private Path checkpoint;

    @Option(names = "--resume",
            description = "Continue from DIR/last/ of --checkpoint: weights, optimizer state and epoch count come from "
                    + "there, and --epochs counts the total (a 1-epoch checkpoint with --epochs 3 trains 2 more). The "
                    + "other settings must be those it was trained with.")
    private boolean resume;

    @Override
    public Integer call() {
        CnnTraining run;
        try {
            DatasetChoice data = DatasetChoice.named(dataset);
            Models net = Models.named(model);
            String opt = optimizer.toLowerCase(Locale.ROOT);
            if (!opt.equals("sgd") && !opt.equals("adam")) {
                throw new IllegalArgumentException("--optimizer: unknown optimizer '" + optimizer
                        + "'; choose sgd or adam");
            }
            if (data == DatasetChoice.MNIST && dataDir == null) {
                data.load(null, seed); // throws: says where to get the files and to pass --data-dir
            }
            LearnFilterCommand.checkEpochs("--epochs", epochs);
            if (batchSize < 1) {
                throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            }
            if (limit < 0) {
                throw new IllegalArgumentException("--limit must be 0 (all) or positive, got " + limit);
            }
            double lr = learningRate != null ? learningRate : CnnTraining.defaultLearningRate(opt, data);
            LearnFilterCommand.checkRate("--lr", lr);
            run = new CnnTraining(data, dataDir, net, epochs, batchSize, opt, lr, seed, limit);
            if (resume && checkpoint == null) {
                throw new IllegalArgumentException("--resume needs --checkpoint DIR: the directory to continue from");
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        boolean json = common.json();
        PrintWriter w = spec.commandLine().getOut();
        // with --json the progress goes to standard error: standard output holds only the JSON object
        PrintWriter progressOut = json ? spec.commandLine().getErr() : w;
        CnnCheckpoints checkpoints = checkpoint == null ? null : CnnCheckpoints.at(checkpoint, resume);
        JsonObject result = run(spec, progressOut, run, device, out, checkpoints);
        if (json) {
            JsonObject object = Json.forCommand("train");
            result.entrySet().forEach(e -> object.add(e.getKey(), e.getValue()));
            Json.print(w, object);
        }
        return 0;
    }

    /**
     * Trains, printing the setting, the progress and where the PNGs went to {@code text}; returns the
     * JSON members {@code dataset, device, model, epochs, testAccuracy, pngs} and the settings.
     *
     * @throws ParameterException (exit 2) when the data set's files are missing, saying how to get them
     */
    static JsonObject run(CommandSpec spec, PrintWriter text, CnnTraining run, Device device, Path outDir) {
        return run(spec, text, run, device, outDir, null);
    }

    /**
     * As {@link #run(CommandSpec, PrintWriter, CnnTraining, Device, Path)}, with checkpoints ({@code null}
     * for none); the JSON then has a {@code checkpoint} member ({@code last}, {@code best},
     * {@code resumedAfterEpoch}).
     *
     * @throws ParameterException (exit 2) also when a resume is impossible or the checkpoint is malformed
     */
    static JsonObject run(CommandSpec spec, PrintWriter text, CnnTraining run, Device device, Path outDir,
            CnnCheckpoints checkpoints) {
        PrintStream stream = WriterStream.over(text);
        TrainingListener progress = System.console() != null && text == spec.commandLine().getOut()
                ? ConsoleProgress.bars(stream, 100)
                : ConsoleProgress.plain(stream);
        CnnTraining.Result r;
        try {
            // Guice wires the run: the resolved device and a Trainer with the settings and the progress listener.
            Injector injector = Wiring.forTraining(device, run.settings(), List.of(progress));
            r = run.run(injector.getInstance(Device.class), injector.getInstance(Trainer.class), outDir,
                    (train, test, normalize, parameters) -> {
                text.printf(Locale.ROOT, "Data: %s: %,d training images%s, %,d test images, shaped %s, %d classes.%n",
                        run.dataset().describe(run.dataDir()), train.size(),
                        run.limit() > 0 ? " (--limit " + run.limit() + ")" : "", test.size(), train.exampleShape(),
                        train.numClasses());
                text.printf(Locale.ROOT, "      Inputs standardised with the training images' mean %.4f and std %.4f.%n",
                        normalize.mean().get(0), normalize.std().get(0));
                text.printf(Locale.ROOT, "Model: %s, %,d parameters, initialised from seed %d; first layer's filters"
                        + " drawn to %s%n", run.model().cliName(), parameters, run.seed(),
                        outDir.resolve(CnnTraining.FILTERS_BEFORE_PNG));
                text.printf(Locale.ROOT, "Training: cross-entropy, %s, learning rate %s, batches of %d, %d epoch%s, on %s.%n",
                        run.optimizer().equals("sgd") ? "SGD with momentum 0.9" : "Adam",
                        NumberLists.format(run.learningRate()), run.batchSize(), run.epochs(),
                        run.epochs() == 1 ? "" : "s", device.name());
                if (checkpoints != null) {
                    text.printf(Locale.ROOT, "Checkpoints: after every epoch into %s, the best test accuracy into %s"
                            + "%s.%n", checkpoints.last(), checkpoints.best(), checkpoints.resumes()
                            ? "; resuming from " + checkpoints.last() + " (--epochs counts the total)" : "");
                }
                text.flush();
            }, checkpoints);
        } catch (CnnCheckpoints.CannotResume e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } catch (CheckpointFormatException e) {
            throw new ParameterException(spec.commandLine(), "--resume: the checkpoint is malformed: " + e.getMessage(),
                    e);
        } catch (NoSuchFileException e) {
            if (checkpoints != null && e.getFile() != null
                    && Path.of(e.getFile()).toAbsolutePath().startsWith(checkpoints.root().toAbsolutePath())) {
                throw new ParameterException(spec.commandLine(), "--resume: the checkpoint is incomplete: "
                        + e.getFile() + " is missing", e);
            }
            throw new ParameterException(spec.commandLine(), "the " + run.dataset().cliName() + " data set is missing: "
                    + (e.getReason() != null ? e.getFile() + ": " + e.getReason() : e.getMessage()), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } finally {
            stream.flush();
        }
        text.printf(Locale.ROOT, "Test accuracy after %d epoch%s: %.2f%%%n", run.epochs(), run.epochs() == 1 ? "" : "s",
                100 * r.testAccuracy());
        text.printf(Locale.ROOT, "Backpropagation moved the first layer's weights by %.0f%% of their random start"
                + " (|after - before| / |before|).%n", 100 * r.filterChange());
        text.println("Pictures: " + r.curvesPng() + " (loss and accuracy per epoch), " + r.filtersBeforePng()
                + " and " + r.filtersAfterPng() + " (the first layer's filters before and after training).");
        JsonObject json = json(run, r);
        if (checkpoints != null) {
            text.printf(Locale.ROOT, "Checkpoints: %s (epoch %d) and %s (epoch %d, test accuracy %.2f%%); continue "
                    + "with --resume, evaluate with 'fovea eval --checkpoint %s'.%n", checkpoints.last(),
                    r.training().epochs().size(), checkpoints.best(), checkpoints.bestEpoch() + 1,
                    100 * checkpoints.bestAccuracy(), checkpoints.last());
            JsonObject c = new JsonObject();
            c.addProperty("directory", checkpoints.root().toString());
            c.addProperty("last", checkpoints.last().toString());
            c.addProperty("best", checkpoints.best().toString());
            c.addProperty("bestEpoch", checkpoints.bestEpoch() + 1);
            c.addProperty("bestTestAccuracy", checkpoints.bestAccuracy());
            if (checkpoints.resumedEpochs() >= 0) {
                c.addProperty("resumedAfterEpoch", checkpoints.resumedEpochs());
            } else {
                c.add("resumedAfterEpoch", com.google.gson.JsonNull.INSTANCE);
            }
            json.add("checkpoint", c);
        }
        text.flush();
        return json;
    }

    static JsonObject json(CnnTraining run, CnnTraining.Result r) {
        JsonObject json = new JsonObject();
        json.addProperty("dataset", run.dataset().cliName());
        json.addProperty("device", r.device());
        json.addProperty("model", run.model().cliName());
        JsonArray epochs = new JsonArray();
        for (EpochMetrics m : r.training().epochs()) {
            JsonObject e = new JsonObject();
            e.addProperty("epoch", m.epoch() + 1);
            e.addProperty("trainLoss", m.trainLoss());
            e.addProperty("trainAccuracy", m.trainAccuracy());
            e.addProperty("testLoss", m.validationLoss());
            e.addProperty("testAccuracy", m.validationAccuracy());
            e.addProperty("samplesPerSecond", m.samplesPerSecond());
            e.addProperty("seconds", m.seconds());
            epochs.add(e);
        }
        json.add("epochs", epochs);
        json.addProperty("testAccuracy", r.testAccuracy());
        JsonObject pngs = new JsonObject();
        pngs.addProperty("curves", r.curvesPng().toString());
        pngs.addProperty("filtersBefore", r.filtersBeforePng().toString());
        pngs.addProperty("filtersAfter", r.filtersAfterPng().toString());
        json.add("pngs", pngs);
        json.addProperty("optimizer", run.optimizer());
        json.addProperty("learningRate", run.learningRate());
        json.addProperty("batchSize", run.batchSize());
        json.addProperty("seed", run.seed());
        json.addProperty("limit", run.limit());
        json.addProperty("trainExamples", r.trainExamples());
        json.addProperty("testExamples", r.testExamples());
        json.addProperty("parameters", r.parameters());
        Normalize n = r.normalize();
        json.addProperty("inputMean", n.mean().get(0));
        json.addProperty("inputStd", n.std().get(0));
        json.addProperty("filterChange", r.filterChange());
        json.addProperty("seconds", r.training().seconds());
        return json;
    }
}

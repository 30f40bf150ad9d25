package dev.fovea.examples.cnn;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fovea.api.Device;
import dev.fovea.core.data.Normalize;
import dev.fovea.core.io.Checkpoint;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.io.TrainingProgress;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.train.EpochMetrics;
import dev.fovea.core.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checkpoints of {@code fovea train --checkpoint DIR}: after every epoch {@code DIR/last/}, and
 * {@code DIR/best/} whenever the test accuracy beats every earlier epoch's; each a
 * {@link Checkpoint} directory that {@link ModelIo#load} and {@code fovea eval} read. With
 * {@code --resume} the run continues from {@code DIR/last/}: model, optimizer (with its learning rate
 * and state) and the epoch count come from there, and the data order continues where it stopped.
 *
 * <p>The model's metadata records the run's settings (data set, model, seed, limit, batch size,
 * optimizer, learning rate) - a resume with other settings is refused - and the input normalisation,
 * which {@code fovea eval} applies. The epochs' metrics travel in the progress's {@code extra}, so that
 * a resumed run reports (and plots) every epoch.
 */
public final class CnnCheckpoints {
    /** The sub-directory written after every epoch. */
    public static final String LAST = "last";
    /** The sub-directory holding the epoch with the best test accuracy. */
    public static final String BEST = "best";

    /** Metadata keys. */
    public static final String DATASET = "dataset";
    public static final String MODEL = "model";
    public static final String SEED = "seed";
    public static final String LIMIT = "limit";
    public static final String BATCH_SIZE = "batchSize";
    public static final String OPTIMIZER = "optimizer";
    public static final String LEARNING_RATE = "learningRate";
    public static final String INPUT_MEAN = "inputMean";
    public static final String INPUT_STD = "inputStd";
    private static final String HISTORY = "history";

    private static final Gson GSON = new Gson();

    private final Path root;
    private final boolean resume;
    private int resumedEpochs = -1;
    private int bestEpoch = -1;
    private double bestAccuracy = Double.NaN;

    /** Why a run cannot continue from its checkpoint: a usage error, with what to do. */
    public static final class CannotResume extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        CannotResume(String message) {
            super(message);
        }
    }

    private CnnCheckpoints(Path root, boolean resume) {
        this.root = root;
        this.resume = resume;
    }

    /** Checkpoints under {@code root}; with {@code resume} the run continues from {@code root/last}. */
    public static CnnCheckpoints at(Path root, boolean resume) {
        return new CnnCheckpoints(root, resume);
    }

    public Path root() {
        return root;
    }

    public Path last() {
        return root.resolve(LAST);
    }

    public Path best() {
        return root.resolve(BEST);
    }

    public boolean resumes() {
        return resume;
    }

    /** How many epochs the resumed checkpoint had trained, or -1 before a resume (or without one). */
    public int resumedEpochs() {
        return resumedEpochs;
    }

    /** The epoch (from 0) saved in {@link #best()}, or -1 when none has been saved by this run or before. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The test accuracy of {@link #bestEpoch()} (NaN when none). */
    public double bestAccuracy() {
        return bestAccuracy;
    }

    /**
     * A run continued from {@code last()}.
     *
     * @param model the model with its saved weights
     * @param optimizer the optimizer with its saved settings and state
     * @param startEpoch the first epoch to train (from 0): the epochs already done
     * @param history the metrics of the epochs already done
     * @param bestAccuracy the best test accuracy so far (NaN if none)
     * @param bestEpoch its epoch (from 0), -1 if none
     */
    public record Resumed(Sequential model, AbstractOptimizer optimizer, int startEpoch, List<EpochMetrics> history,
            double bestAccuracy, int bestEpoch) {}

    /**
     * Loads {@code last()} to continue {@code run}.
     *
     * @throws CannotResume when there is no checkpoint, its settings differ from {@code run}'s,
     *     or it has already trained {@code run.epochs()} epochs (which count the total)
     * @throws IOException when it cannot be read ({@link dev.fovea.core.io.CheckpointFormatException} for a
     *     malformed one)
     */
    Resumed resume(CnnTraining run, Device device, Normalize normalize) throws IOException {
        if (!Files.exists(last()) && !anyInterruptedSave()) {
            throw new CannotResume("--resume: there is no checkpoint in " + last() + " (train with "
                    + "--checkpoint " + root + " first)");
        }
        Checkpoint c = Checkpoint.load(last(), device);
        Map<String, String> saved = c.metadata();
        Map<String, String> expected = metadata(run, normalize);
        List<String> differences = new ArrayList<>();
        for (String key : List.of(DATASET, MODEL, SEED, LIMIT, BATCH_SIZE, OPTIMIZER, LEARNING_RATE)) {
            if (!expected.get(key).equals(saved.get(key))) {
                differences.add(key + " " + expected.get(key) + " here, " + saved.get(key) + " in the checkpoint");
            }
        }
        if (!differences.isEmpty()) {
            throw new CannotResume("--resume: the settings differ from the checkpoint's in " + last()
                    + ": " + String.join("; ", differences) + ". Resume with the settings it was trained with");
        }
        int done = c.progress().epoch();
        if (done >= run.epochs()) {
            throw new CannotResume("--resume: the checkpoint in " + last() + " has already trained " + done
                    + " epoch" + (done == 1 ? "" : "s") + "; --epochs counts the total, so ask for more than " + done);
        }
        if (c.progress().batch() != 0 || !(c.model() instanceof Sequential model)) {
            throw new CannotResume("--resume: " + last() + " is not an end-of-epoch checkpoint of fovea "
                    + "train");
        }
        resumedEpochs = done;
        bestEpoch = c.progress().bestEpoch();
        bestAccuracy = c.progress().bestMetric();
        return new Resumed(model, c.optimizer(), done, history(c.progress().extra().get(HISTORY)),
                c.progress().bestMetric(), c.progress().bestEpoch());
    }

    private boolean anyInterruptedSave() throws IOException {
        if (!Files.isDirectory(root)) {
            return false;
        }
        try (var entries = Files.list(root)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith(LAST + ".old-"));
        }
    }

    /**
     * A listener that saves {@code last()} after every epoch and {@code best()} when the test accuracy
     * improves. A failed save stops the run with the error (the previous checkpoints stay intact).
     */
    TrainingListener saver(CnnTraining run, Sequential model, AbstractOptimizer optimizer, Normalize normalize,
            Resumed resumed) {
        Map<String, String> metadata = metadata(run, normalize);
        List<EpochMetrics> history = new ArrayList<>(resumed == null ? List.of() : resumed.history());
        double[] best = {resumed == null ? Double.NaN : resumed.bestAccuracy()};
        int[] bestEpoch = {resumed == null ? -1 : resumed.bestEpoch()};
        return new TrainingListener() {
            @Override
            public void onEpochEnd(EpochMetrics m) {
                history.add(m);
                double accuracy = m.validationAccuracy();
                boolean improved = !Double.isNaN(accuracy) && (Double.isNaN(best[0]) || accuracy > best[0]);
                if (improved) {
                    best[0] = accuracy;
                    bestEpoch[0] = m.epoch();
                }
                TrainingProgress progress = TrainingProgress.afterEpoch(m.epoch(), run.seed())
                        .withStep(optimizer.steps()).withBest(best[0], bestEpoch[0])
                        .withExtra(HISTORY, historyJson(history));
                try {
                    Checkpoint.save(last(), model, metadata, optimizer, null, progress);
                    if (improved) {
                        Checkpoint.save(best(), model, metadata, optimizer, null, progress);
                        CnnCheckpoints.this.bestEpoch = m.epoch();
                        CnnCheckpoints.this.bestAccuracy = accuracy;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("saving the checkpoint after epoch " + (m.epoch() + 1) + " failed: "
                            + e.getMessage(), e);
                }
            }
        };
    }

    /** The settings and normalisation of {@code run}, as saved with the model. */
    static Map<String, String> metadata(CnnTraining run, Normalize normalize) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(DATASET, run.dataset().cliName());
        m.put(MODEL, run.model().cliName());
        m.put(SEED, Long.toString(run.seed()));
        m.put(LIMIT, Integer.toString(run.limit()));
        m.put(BATCH_SIZE, Integer.toString(run.batchSize()));
        m.put(OPTIMIZER, run.optimizer());
        m.put(LEARNING_RATE, Double.toString(run.learningRate()));
        m.put(INPUT_MEAN, join(normalize.mean().toArray()));
        m.put(INPUT_STD, join(normalize.std().toArray()));
        return m;
    }

    private static String join(double[] values) {
        return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    /**
     * The input normalisation saved with a model by {@code fovea train}, or {@code null} when the metadata
     * has none.
     *
     * @throws IllegalArgumentException when it is malformed
     */
    public static Normalize normalization(Map<String, String> metadata) {
        String mean = metadata.get(INPUT_MEAN);
        String std = metadata.get(INPUT_STD);
        if (mean == null || std == null) {
            return null;
        }
        try {
            return Normalize.of(Arrays.stream(mean.split(",")).mapToDouble(Double::parseDouble).toArray(),
                    Arrays.stream(std.split(",")).mapToDouble(Double::parseDouble).toArray());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the saved input normalisation (" + INPUT_MEAN + " " + mean + ", "
                    + INPUT_STD + " " + std + ") is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * The directory to read a model from: {@code dir} itself when it holds a saved model, else
     * {@code dir/last} (the root given to {@code fovea train --checkpoint}).
     */
    public static Path modelDirectory(Path dir) throws NoSuchFileException {
        if (Files.isRegularFile(dir.resolve(ModelIo.CONFIG_FILE))) {
            return dir;
        }
        if (Files.isRegularFile(dir.resolve(LAST).resolve(ModelIo.CONFIG_FILE))) {
            return dir.resolve(LAST);
        }
        throw new NoSuchFileException(dir.toString(), null, "no saved model here (" + ModelIo.CONFIG_FILE
                + " is missing) nor in " + dir.resolve(LAST));
    }

    /** The epochs' metrics with the history saved before {@code result}'s epochs. */
    static List<EpochMetrics> merged(List<EpochMetrics> earlier, List<EpochMetrics> now) {
        return ImmutableList.<EpochMetrics>builder().addAll(earlier).addAll(now).build();
    }

    private static String historyJson(List<EpochMetrics> history) {
        JsonArray a = new JsonArray();
        for (EpochMetrics m : history) {
            JsonObject o = new JsonObject();
            o.addProperty("epoch", m.epoch());
            o.add("trainLoss", number(m.trainLoss()));
            o.add("trainAccuracy", number(m.trainAccuracy()));
            o.add("validationLoss", number(m.validationLoss()));
            o.add("validationAccuracy", number(m.validationAccuracy()));
            o.add("samplesPerSecond", number(m.samplesPerSecond()));
            o.add("seconds", number(m.seconds()));
            o.addProperty("trainSamples", m.trainSamples());
            o.add("learningRate", number(m.learningRate()));
            a.add(o);
        }
        return GSON.toJson(a);
    }

    private static JsonElement number(double v) {
        return Double.isFinite(v) ? new com.google.gson.JsonPrimitive(v) : new com.google.gson.JsonPrimitive(
                Double.toString(v));
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e.getAsJsonPrimitive().isString() ? Double.parseDouble(e.getAsString()) : e.getAsDouble();
    }

    private static List<EpochMetrics> history(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<EpochMetrics> out = new ArrayList<>();
            for (JsonElement e : JsonParser.parseString(json).getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                out.add(new EpochMetrics(o.get("epoch").getAsInt(), number(o, "trainLoss"), number(o, "trainAccuracy"),
                        number(o, "validationLoss"), number(o, "validationAccuracy"), number(o, "samplesPerSecond"),
                        number(o, "seconds"), o.get("trainSamples").getAsLong(), number(o, "learningRate"),
                        ImmutableMap.of()));
            }
            return out;
        } catch (RuntimeException e) {
            throw new CannotResume("the checkpoint's epoch history is malformed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CnnCheckpoints[%s%s]", root, resume ? ", resume" : "");
    }
}

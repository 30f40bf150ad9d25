package dev.fovea.core.io;

import com.google.common.collect.ImmutableMap;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.Dropout;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.LrScheduler;
import dev.fovea.core.optim.LrSchedulerState;
import dev.fovea.core.optim.OptimizerState;
import dev.fovea.core.optim.Optimizers;
import dev.fovea.core.optim.StateTensor;
import dev.fovea.core.tensor.RandomSource;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A training checkpoint: everything needed to continue a run exactly where it stopped, in one
 * directory that {@link ModelIo#load} also reads as a plain saved model.
 *
 * <pre>{@code
 * Checkpoint.save(dir, model, optimizer, scheduler, TrainingProgress.afterEpoch(epoch, loaderSeed));
 * // later, in any process:
 * Checkpoint c = Checkpoint.load(dir, device);
 * var schedule = StepLr.of(c.optimizer(), 10, 0.5);   // rebuilt with its settings ...
 * c.restoreScheduler(schedule);                        // ... and moved to the saved position
 * trainer.fit(c.model(), loss, c.optimizer(), loader, test, c.progress().epoch(), c.progress().batch());
 * }</pre>
 *
 * <p><b>The files</b>: {@value ModelIo#CONFIG_FILE} and {@value ModelIo#WEIGHTS_FILE} as
 * {@link ModelIo} writes them (structure, parameters and buffers - BatchNorm's running statistics and
 * counters included); {@value #OPTIMIZER_FILE}, the optimizer's per-parameter state tensors keyed
 * {@code <parameter>.<slot>} ({@code 0.weight.momentum_buffer}, {@code 0.weight.exp_avg}, ...);
 * {@value #TRAINING_FILE}: {@code {"format": "fovea.training", "formatVersion": 1, "progress": {epoch,
 * batch, step, dataSeed, bestMetric, bestEpoch}, "optimizer": {type, steps, hyperParameters, flags,
 * parameters: {name: shape}}, "scheduler": {type, steps, baseLr, then} or null, "dropoutStreams":
 * {layer path: {seed, counter}}, "randomStreams": {...}, "extra": {...}}}.
 *
 * <p><b>Exact resume.</b> With the same data (a loader rebuilt with {@link TrainingProgress#dataSeed()},
 * whose order is a function of seed and epoch) and the same backend, resuming gives bit-identical
 * weights to a run that never stopped: the weights and buffers, the optimizer's state, learning rate and
 * step counts, the schedule's position and every Dropout layer's random stream are restored. Schedules
 * keep their settings in code, not in {@link LrSchedulerState}: rebuild the schedule and call
 * {@link #restoreScheduler}.
 *
 * <p><b>Saving</b> is atomic ({@link AtomicDirectory}); <b>loading</b> validates every file before
 * anything is built, and fails with a {@link CheckpointFormatException} naming the file.
 */
public final class Checkpoint {
    /** The optimizer's state tensors. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** Progress, optimizer settings, schedule and random streams. */
    public static final String TRAINING_FILE = "training.json";
    /** The {@code "format"} of a training.json. */
    public static final String FORMAT = "fovea.training";
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private final Path directory;
    private final Layer model;
    private final LayerConfig<?> config;
    private final ImmutableMap<String, String> metadata;
    private final AbstractOptimizer optimizer;
    private final LrSchedulerState schedulerState;
    private final TrainingProgress progress;

    private Checkpoint(Path directory, ModelIo.Loaded loaded, AbstractOptimizer optimizer,
            LrSchedulerState schedulerState, TrainingProgress progress) {
        this.directory = directory;
        this.model = loaded.model();
        this.config = loaded.config();
        this.metadata = loaded.metadata();
        this.optimizer = optimizer;
        this.schedulerState = schedulerState;
        this.progress = progress;
    }

    // ---- Saving -----------------------------------------------------------------------------------------

    /**
     * Saves a training checkpoint into {@code dir}, replacing it atomically.
     *
     * @param optimizer an optimizer over (some of) {@code model.parameters()}, under the model's names
     * @param scheduler the optimizer's learning-rate schedule, or {@code null}
     * @throws IllegalArgumentException if the model cannot be saved (see {@link ModelIo#save}), the
     *     optimizer updates a tensor that is not one of the model's parameters or names it differently, or
     *     the scheduler drives another optimizer
     */
    public static void save(Path dir, Layer model, AbstractOptimizer optimizer, LrScheduler scheduler,
            TrainingProgress progress) throws IOException {
        save(dir, model, Map.of(), optimizer, scheduler, progress);
    }

    /** As {@link #save(Path, Layer, AbstractOptimizer, LrScheduler, TrainingProgress)}, with model metadata. */
    public static void save(Path dir, Layer model, Map<String, String> metadata, AbstractOptimizer optimizer,
            LrScheduler scheduler, TrainingProgress progress) throws IOException {
        save(dir, model, metadata, optimizer, scheduler, progress, AtomicDirectory.DISK);
    }

    static void save(Path dir, Layer model, Map<String, String> metadata, AbstractOptimizer optimizer,
            LrScheduler scheduler, TrainingProgress progress, AtomicDirectory.Sink sink) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(progress, "progress");
        ModelIo.Prepared prepared = ModelIo.prepare(model, metadata, LayerTypeRegistry.discover());
        checkOptimizerCoversModel(model, optimizer);
        if (scheduler != null && scheduler.optimizer() != optimizer) {
            throw new IllegalArgumentException("Checkpoint.save: the scheduler drives another optimizer than the "
                    + "one given");
        }
        OptimizerState state = optimizer.state();
        List<Safetensors.Item> stateItems = new ArrayList<>();
        state.tensors().forEach((name, t) -> stateItems.add(Safetensors.Item.of(name, toData(t))));
        JsonObject training = trainingJson(state, scheduler == null ? null : scheduler.state(), progress,
                dropoutStreams(model));
        byte[] json = (ModelIo.GSON.toJson(training) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicDirectory.replace(dir, out -> {
            prepared.writeTo(out);
            try (OutputStream s = out.create(OPTIMIZER_FILE)) {
                Safetensors.write(s, stateItems, Map.of());
            }
            try (OutputStream s = out.create(TRAINING_FILE)) {
                s.write(json);
            }
        }, sink);
    }

    private static void checkOptimizerCoversModel(Layer model, AbstractOptimizer optimizer) {
        Map<Tensor, String> modelNames = new IdentityHashMap<>();
        model.parameters().forEach((name, t) -> modelNames.putIfAbsent(t, name));
        optimizer.namedParameters().forEach((name, t) -> {
            String modelName = modelNames.get(t);
            if (modelName == null) {
                throw new IllegalArgumentException("Checkpoint.save: the optimizer's parameter '" + name + "' is not a "
                        + "parameter of the model; build the optimizer over model.parameters()");
            }
            if (!modelName.equals(name)) {
                throw new IllegalArgumentException("Checkpoint.save: the optimizer calls the model's parameter '"
                        + modelName + "' '" + name + "'; build the optimizer over model.parameters() so that its "
                        + "state is keyed by the model's names");
            }
        });
    }

    private static TensorData toData(StateTensor t) {
        return t.dtype() == DType.FLOAT32 ? TensorData.of(t.toFloatArray(), t.shape())
                : TensorData.of(t.toDoubleArray(), t.shape());
    }

    /** Every Dropout layer's mask stream, by its dotted path in the model ("" for the model itself). */
    static Map<String, Dropout> dropouts(Layer model) {
        Map<String, Dropout> found = new LinkedHashMap<>();
        collect(model, "", found);
        return found;
    }

    private static void collect(Layer layer, String path, Map<String, Dropout> found) {
        if (layer instanceof Dropout d) {
            found.put(path, d);
        }
        layer.children().forEach((name, child) -> collect(child, path.isEmpty() ? name : path + "." + name, found));
    }

    private static Map<String, RandomSource.State> dropoutStreams(Layer model) {
        Map<String, RandomSource.State> states = new LinkedHashMap<>();
        dropouts(model).forEach((path, d) -> states.put(path, d.randomSource().state()));
        return states;
    }

    private static JsonObject trainingJson(OptimizerState state, LrSchedulerState schedule, TrainingProgress p,
            Map<String, RandomSource.State> dropouts) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("formatVersion", FORMAT_VERSION);
        JsonObject progress = new JsonObject();
        progress.addProperty("epoch", p.epoch());
        progress.addProperty("batch", p.batch());
        progress.addProperty("step", p.step());
        progress.addProperty("dataSeed", p.dataSeed());
        progress.add("bestMetric", real(p.bestMetric()));
        progress.addProperty("bestEpoch", p.bestEpoch());
        root.add("progress", progress);

        JsonObject opt = new JsonObject();
        opt.addProperty("type", state.type());
        opt.addProperty("steps", state.steps());
        JsonObject hyper = new JsonObject();
        state.hyperParameters().forEach((k, v) -> hyper.add(k, real(v)));
        opt.add("hyperParameters", hyper);
        JsonObject flags = new JsonObject();
        state.flags().forEach(flags::addProperty);
        opt.add("flags", flags);
        JsonObject shapes = new JsonObject();
        state.parameterShapes().forEach((name, shape) -> {
            JsonArray dims = new JsonArray();
            for (int d : shape.dims()) {
                dims.add(d);
            }
            shapes.add(name, dims);
        });
        opt.add("parameters", shapes);
        opt.addProperty("state", OPTIMIZER_FILE);
        root.add("optimizer", opt);
        root.add("scheduler", schedule == null ? JsonNull.INSTANCE : scheduleJson(schedule));
        root.add("dropoutStreams", streams(dropouts));
        root.add("randomStreams", streams(p.randomStreams()));
        JsonObject extra = new JsonObject();
        p.extra().forEach(extra::addProperty);
        root.add("extra", extra);
        return root;
    }

    private static JsonObject scheduleJson(LrSchedulerState s) {
        JsonObject o = new JsonObject();
        o.addProperty("type", s.type());
        o.addProperty("steps", s.steps());
        o.add("baseLr", real(s.baseLr()));
        o.add("then", s.then() == null ? JsonNull.INSTANCE : scheduleJson(s.then()));
        return o;
    }

    private static JsonObject streams(Map<String, RandomSource.State> states) {
        JsonObject o = new JsonObject();
        states.forEach((name, st) -> {
            JsonObject s = new JsonObject();
            s.addProperty("seed", st.seed());
            s.addProperty("counter", st.counter());
            o.add(name, s);
        });
        return o;
    }

    private static JsonPrimitive real(double v) {
        if (Double.isNaN(v)) {
            return new JsonPrimitive("NaN");
        }
        if (Double.isInfinite(v)) {
            return new JsonPrimitive(v > 0 ? "Infinity" : "-Infinity");
        }
        return new JsonPrimitive(v);
    }

    // ---- Loading ----------------------------------------------------------------------------------------

    /**
     * Loads the checkpoint in {@code dir} onto {@code device}: the model rebuilt and its weights loaded,
     * the optimizer rebuilt with its saved settings and state ({@link Optimizers#fromState}), every
     * Dropout stream restored, and the progress and schedule position to continue from.
     *
     * @throws CheckpointFormatException naming the file and the problem; nothing is half-loaded
     */
    public static Checkpoint load(Path dir, Device device) throws IOException {
        return load(dir, device, LayerTypeRegistry.discover());
    }

    /** {@link #load(Path, Device)} with the layer types of {@code types}. */
    public static Checkpoint load(Path dir, Device device, LayerTypeRegistry types) throws IOException {
        Path from = AtomicDirectory.resolve(dir);
        Path file = from.resolve(TRAINING_FILE);
        JsonObject root = StrictJson.readFile(file);
        ModelIo.checkFormat(file, root, FORMAT, FORMAT_VERSION);
        Parsed parsed;
        try {
            parsed = parse(root);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage(), e);
        }
        String stateFileName = ModelIo.plainFileName(file, root.getAsJsonObject("optimizer"), "state");
        Path stateFile = from.resolve(stateFileName);
        Map<String, StateTensor> stateTensors = new LinkedHashMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(stateFile)) {
            for (SafetensorsFile.Entry e : f.entries()) {
                TensorData d = f.read(e.name());
                switch (d.dtype()) {
                    case FLOAT32 -> stateTensors.put(e.name(), StateTensor.of(d.toFloatArray(), d.shape()));
                    case FLOAT64 -> stateTensors.put(e.name(), StateTensor.of(d.toDoubleArray(), d.shape()));
                    default -> throw new CheckpointFormatException(stateFile, "tensor '" + e.name() + "' is "
                            + e.dtype() + "; optimizer state is F32 or F64");
                }
            }
        }
        ModelIo.Loaded loaded = ModelIo.read(from, device, types);
        try {
            Map<String, Tensor> modelParameters = loaded.model().parameters();
            Map<String, Tensor> updated = new LinkedHashMap<>();
            for (String name : parsed.shapes().keySet()) {
                Tensor p = modelParameters.get(name);
                if (p == null) {
                    throw new CheckpointFormatException(file, "the optimizer updates '" + name + "', which is not a "
                            + "parameter of the model in " + ModelIo.CONFIG_FILE + " (its parameters: "
                            + modelParameters.keySet() + ")");
                }
                updated.put(name, p);
            }
            OptimizerState state;
            AbstractOptimizer optimizer;
            try {
                state = new OptimizerState(parsed.optimizerType(), parsed.hyper(), parsed.flags(), parsed.steps(),
                        parsed.shapes(), stateTensors);
                optimizer = Optimizers.fromState(state, updated);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CheckpointFormatException(file, "the optimizer state does not load: " + e.getMessage(), e);
            }
            Map<String, Dropout> dropouts = dropouts(loaded.model());
            if (!dropouts.keySet().equals(parsed.dropoutStreams().keySet())) {
                throw new CheckpointFormatException(file, "dropoutStreams names layers " + parsed.dropoutStreams()
                        .keySet() + ", but the model's Dropout layers are " + dropouts.keySet());
            }
            dropouts.forEach((path, d) -> d.randomSource().restore(parsed.dropoutStreams().get(path)));
            return new Checkpoint(dir, loaded, optimizer, parsed.schedule(), parsed.progress());
        } catch (IOException | RuntimeException e) {
            ModelIo.closeAll(loaded.model());
            throw e;
        }
    }

    private record Parsed(TrainingProgress progress, String optimizerType, long steps, Map<String, Double> hyper,
            Map<String, Boolean> flags, Map<String, Shape> shapes, LrSchedulerState schedule,
            Map<String, RandomSource.State> dropoutStreams) {}

    private static Parsed parse(JsonObject root) {
        JsonObject p = object(root, "progress", "");
        Map<String, String> extra = new LinkedHashMap<>();
        JsonObject extraJson = object(root, "extra", "");
        extraJson.entrySet().forEach(e -> extra.put(e.getKey(), string(extraJson, e.getKey(), "extra.")));
        TrainingProgress progress;
        try {
            progress = new TrainingProgress(intValue(p, "epoch", "progress."), intValue(p, "batch", "progress."),
                    longValue(p, "step", "progress."), longValue(p, "dataSeed", "progress."),
                    real(p, "bestMetric", "progress."), intValue(p, "bestEpoch", "progress."),
                    streams(object(root, "randomStreams", ""), "randomStreams."), extra);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("progress: " + e.getMessage(), e);
        }

        JsonObject o = object(root, "optimizer", "");
        String type = string(o, "type", "optimizer.");
        long steps = longValue(o, "steps", "optimizer.");
        Map<String, Double> hyper = new LinkedHashMap<>();
        JsonObject h = object(o, "hyperParameters", "optimizer.");
        for (String k : h.keySet()) {
            hyper.put(k, real(h, k, "optimizer.hyperParameters."));
        }
        Map<String, Boolean> flags = new LinkedHashMap<>();
        JsonObject f = object(o, "flags", "optimizer.");
        for (String k : f.keySet()) {
            JsonElement v = f.get(k);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isBoolean()) {
                throw new IllegalArgumentException("optimizer.flags." + k + ": expected true or false, got " + v);
            }
            flags.put(k, v.getAsBoolean());
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        JsonObject s = object(o, "parameters", "optimizer.");
        for (String name : s.keySet()) {
            JsonElement dims = s.get(name);
            String path = "optimizer.parameters." + name;
            if (!dims.isJsonArray()) {
                throw new IllegalArgumentException(path + ": expected a shape list, got " + dims);
            }
            JsonArray a = dims.getAsJsonArray();
            int[] d = new int[a.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = exact(a.get(i), path + "[" + i + "]").intValueExact();
                if (d[i] < 0) {
                    throw new IllegalArgumentException(path + ": negative dimension " + d[i]);
                }
            }
            shapes.put(name, Shape.of(d));
        }
        JsonElement sch = root.get("scheduler");
        if (sch == null) {
            throw new IllegalArgumentException("missing member \"scheduler\" (null when there is none)");
        }
        LrSchedulerState schedule = sch.isJsonNull() ? null : schedule(sch, "scheduler");
        return new Parsed(progress, type, steps, hyper, flags, shapes, schedule,
                streams(object(root, "dropoutStreams", ""), "dropoutStreams."));
    }

    private static LrSchedulerState schedule(JsonElement json, String path) {
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException(path + ": expected an object, got " + json);
        }
        JsonObject o = json.getAsJsonObject();
        JsonElement then = o.get("then");
        try {
            return new LrSchedulerState(string(o, "type", path + "."), longValue(o, "steps", path + "."),
                    real(o, "baseLr", path + "."),
                    then == null || then.isJsonNull() ? null : schedule(then, path + ".then"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(path) ? e.getMessage()
                    : path + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, RandomSource.State> streams(JsonObject o, String path) {
        Map<String, RandomSource.State> out = new LinkedHashMap<>();
        for (String name : o.keySet()) {
            JsonObject s = object(o, name, path);
            out.put(name, new RandomSource.State(longValue(s, "seed", path + name + "."),
                    longValue(s, "counter", path + name + ".")));
        }
        return out;
    }

    private static JsonObject object(JsonObject o, String member, String path) {
        JsonElement e = o.get(member);
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException(path + member + ": expected an object, got " + (e == null ? "nothing" : e));
        }
        return e.getAsJsonObject();
    }

    private static String string(JsonObject o, String member, String path) {
        JsonElement e = o.get(member);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(path + member + ": expected a string, got " + (e == null ? "nothing" : e));
        }
        return e.getAsString();
    }

    private static BigDecimal exact(JsonElement e, String path) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(path + ": expected an integer, got " + (e == null ? "nothing" : e));
        }
        BigDecimal v = e.getAsBigDecimal();
        try {
            v.toBigIntegerExact();
        } catch (ArithmeticException notWhole) {
            throw new IllegalArgumentException(path + ": expected an integer, got " + e);
        }
        return v;
    }

    private static int intValue(JsonObject o, String member, String path) {
        try {
            return exact(o.get(member), path + member).intValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(path + member + ": " + o.get(member) + " is out of the int range");
        }
    }

    private static long longValue(JsonObject o, String member, String path) {
        try {
            return exact(o.get(member), path + member).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(path + member + ": " + o.get(member) + " is out of the long range");
        }
    }

    private static double real(JsonObject o, String member, String path) {
        JsonElement e = o.get(member);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return switch (e.getAsString()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException(path + member + ": expected a number, got " + e);
            };
        }
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(path + member + ": expected a number, got " + (e == null ? "nothing" : e));
        }
        return e.getAsDouble();
    }

    // ---- What was loaded --------------------------------------------------------------------------------

    /** The directory it was loaded from. */
    public Path directory() {
        return directory;
    }

    /** The model, rebuilt with its saved weights and buffers, in training mode. */
    public Layer model() {
        return model;
    }

    /** The config the model was rebuilt from. */
    public LayerConfig<?> config() {
        return config;
    }

    /** The metadata saved with the model. */
    public ImmutableMap<String, String> metadata() {
        return metadata;
    }

    /** The optimizer over the model's parameters, with its saved settings, learning rate and state. */
    public AbstractOptimizer optimizer() {
        return optimizer;
    }

    /** The saved schedule position, or {@code null} if the run had no scheduler. */
    public LrSchedulerState schedulerState() {
        return schedulerState;
    }

    /** Where the run stood. */
    public TrainingProgress progress() {
        return progress;
    }

    /**
     * Moves {@code scheduler} - rebuilt with the run's settings over {@link #optimizer()} - to the saved
     * position, which also sets the optimizer's learning rate.
     *
     * @throws IllegalStateException if the checkpoint has no schedule
     * @throws IllegalArgumentException if the scheduler drives another optimizer or is of another type
     */
    public void restoreScheduler(LrScheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler");
        if (schedulerState == null) {
            throw new IllegalStateException("the checkpoint in " + directory + " was saved without a scheduler");
        }
        if (scheduler.optimizer() != optimizer) {
            throw new IllegalArgumentException("restoreScheduler: the scheduler must drive this checkpoint's "
                    + "optimizer()");
        }
        scheduler.load(schedulerState);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + directory + ", epoch " + progress.epoch() + ", batch " + progress.batch() + ", "
                + optimizer.type() + "]";
    }
}

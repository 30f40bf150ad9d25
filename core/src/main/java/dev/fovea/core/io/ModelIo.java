package dev.fovea.core.io;

import com.google.common.collect.ImmutableMap;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.AbstractLayer;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.RandomSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Saving a model and loading it back without re-declaring it in code.
 *
 * <pre>{@code
 * ModelIo.save(model, Path.of("lenet"));                    // lenet/model.json + lenet/model.safetensors, atomically
 * Layer again = ModelIo.load(Path.of("lenet"), device);     // rebuilt from model.json, weights loaded
 * }</pre>
 *
 * <p><b>The files.</b> {@value #WEIGHTS_FILE} holds every parameter and buffer by its dotted name
 * ({@code 0.weight}, {@code 1.running_mean}, {@code 1.num_batches_tracked}) in the model's dtype, in
 * the safetensors format with the metadata {@code {"format": "pt"}}; the names and layouts are
 * PyTorch's, so {@code torch.nn.Module.load_state_dict} of the equivalent PyTorch model accepts it.
 * {@value #CONFIG_FILE} holds {@code {"format": "fovea.model", "formatVersion": 1, "weights":
 * "model.safetensors", "model": <the LayerConfig tree, see LayerConfigJson>, "metadata": {string: string}}}.
 *
 * <p><b>Saving</b> writes both files into a fresh sibling directory, syncs them to the disk and renames
 * the directory into place ({@link AtomicDirectory}): an interrupted or failed save leaves the previous
 * model intact. <b>Loading</b> checks everything before it changes anything: the JSON (strict, format and
 * version), every layer type (custom ones come from {@link LayerTypeProvider}s), the safetensors file
 * (see {@link SafetensorsFile}), and that the tensor names match the rebuilt model's exactly, with equal
 * shapes and compatible dtypes (FLOAT32 and FLOAT64 convert into each other; integer tensors such as
 * {@code num_batches_tracked} load from I32 or I64, range-checked). A mismatch lists every missing,
 * unexpected and mis-shaped tensor.
 */
public final class ModelIo {
    private ModelIo() {}

    /** The JSON file with the model's structure. */
    public static final String CONFIG_FILE = "model.json";
    /** The safetensors file with the model's parameters and buffers. */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** The {@code "format"} of a model.json. */
    public static final String FORMAT = "fovea.model";
    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** The metadata written into model.safetensors: Hugging Face tools read it as "PyTorch layout". */
    static final ImmutableMap<String, String> SAFETENSORS_METADATA = ImmutableMap.of("format", "pt");

    static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().disableHtmlEscaping().create();

    /** A model read back: the layer, the config it was built from and the saved metadata. */
    public record Loaded(Layer model, LayerConfig<?> config, ImmutableMap<String, String> metadata) {}

    // ---- Saving ---------------------------------------------------------------------------------------

    /** Saves {@code model} into directory {@code dir} (see the class comment), replacing it atomically. */
    public static void save(Layer model, Path dir) throws IOException {
        save(model, dir, Map.of());
    }

    /**
     * Saves {@code model} with {@code metadata} (e.g. the input normalisation it was trained with),
     * replacing {@code dir} atomically.
     *
     * @throws IllegalArgumentException if the model is not an {@link AbstractLayer} (it has no config),
     *     uses a layer type no {@link LayerTypeProvider} registers, or two tensors share a name
     */
    public static void save(Layer model, Path dir, Map<String, String> metadata) throws IOException {
        save(model, dir, metadata, AtomicDirectory.DISK);
    }

    static void save(Layer model, Path dir, Map<String, String> metadata, AtomicDirectory.Sink sink)
            throws IOException {
        Objects.requireNonNull(dir, "dir");
        Prepared prepared = prepare(model, metadata, LayerTypeRegistry.discover());
        AtomicDirectory.replace(dir, prepared::writeTo, sink);
    }

    /** A model's files, ready to be written (everything that can be checked, checked). */
    record Prepared(Layer model, byte[] json, List<Safetensors.Item> weights) {
        void writeTo(AtomicDirectory.FileCreator out) throws IOException {
            try (OutputStream s = out.create(WEIGHTS_FILE)) {
                Safetensors.write(s, weights, SAFETENSORS_METADATA);
            }
            try (OutputStream s = out.create(CONFIG_FILE)) {
                s.write(json);
            }
        }
    }

    static Prepared prepare(Layer model, Map<String, String> metadata, LayerTypeRegistry types) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metadata, "metadata");
        if (!(model instanceof AbstractLayer layer)) {
            throw new IllegalArgumentException("the model (" + model.getClass().getName() + ") does not extend "
                    + "AbstractLayer, so it has no LayerConfig to rebuild it from; save only its weights with "
                    + "ModelIo.saveWeights");
        }
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("formatVersion", FORMAT_VERSION);
        root.addProperty("weights", WEIGHTS_FILE);
        root.add("model", LayerConfigJson.using(types).toJson(layer.config()));
        JsonObject meta = new JsonObject();
        metadata.forEach((k, v) -> {
            Objects.requireNonNull(k, "metadata key");
            Objects.requireNonNull(v, "metadata value of " + k);
            meta.addProperty(k, v);
        });
        root.add("metadata", meta);
        byte[] json = (GSON.toJson(root) + "\n").getBytes(StandardCharsets.UTF_8);
        return new Prepared(model, json, items(stateDict(model)));
    }

    static List<Safetensors.Item> items(Map<String, Tensor> tensors) {
        List<Safetensors.Item> items = new ArrayList<>();
        tensors.forEach((name, t) -> items.add(Safetensors.Item.of(name, t)));
        return items;
    }

    /**
     * Writes only the weights ({@link #stateDict}) of {@code model} to a safetensors {@code file},
     * atomically: a temporary file beside it, synced, renamed over {@code file}, directory synced.
     */
    public static void saveWeights(Layer model, Path file) throws IOException {
        List<Safetensors.Item> items = items(stateDict(model));
        AtomicDirectory.replaceFile(file, out -> Safetensors.write(out, items, SAFETENSORS_METADATA));
    }

    // ---- Loading --------------------------------------------------------------------------------------

    /**
     * Rebuilds the model saved in {@code dir} on {@code device} and loads its weights. Custom layer types
     * come from the {@link LayerTypeProvider}s on the class path.
     *
     * @throws CheckpointFormatException naming the file and the problem; nothing is half-loaded
     */
    public static Layer load(Path dir, Device device) throws IOException {
        return read(dir, device, LayerTypeRegistry.discover()).model();
    }

    /** {@link #load(Path, Device)} with the layer types of {@code types}. */
    public static Layer load(Path dir, Device device, LayerTypeRegistry types) throws IOException {
        return read(dir, device, types).model();
    }

    /** The model, its config and its metadata. */
    public static Loaded read(Path dir, Device device) throws IOException {
        return read(dir, device, LayerTypeRegistry.discover());
    }

    /** The model, its config and its metadata, with the layer types of {@code types}. */
    public static Loaded read(Path dir, Device device, LayerTypeRegistry types) throws IOException {
        Objects.requireNonNull(device, "device");
        Path from = AtomicDirectory.resolve(dir);
        Description d = describe(from, types);
        Layer model = d.config().init(device, new RandomSource(0));
        try {
            loadWeights(model, from.resolve(d.weights()));
        } catch (IOException | RuntimeException e) {
            closeAll(model);
            throw e;
        }
        return new Loaded(model, d.config(), d.metadata());
    }

    /** The structure and metadata in {@code dir}'s model.json, without building anything. */
    public static LayerConfig<?> readConfig(Path dir) throws IOException {
        return describe(AtomicDirectory.resolve(dir), LayerTypeRegistry.discover()).config();
    }

    /** The metadata saved with the model in {@code dir}. */
    public static ImmutableMap<String, String> readMetadata(Path dir) throws IOException {
        return describe(AtomicDirectory.resolve(dir), LayerTypeRegistry.discover()).metadata();
    }

    record Description(LayerConfig<?> config, String weights, ImmutableMap<String, String> metadata) {}

    static Description describe(Path dir, LayerTypeRegistry types) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, Files.exists(dir)
                    ? "is not a directory; a saved model is a directory with " + CONFIG_FILE + " and " + WEIGHTS_FILE
                    : "no saved model here");
        }
        JsonObject root = StrictJson.readFile(file);
        checkFormat(file, root, FORMAT, FORMAT_VERSION);
        String weights = plainFileName(file, root, "weights");
        JsonElement model = root.get("model");
        if (model == null) {
            throw new CheckpointFormatException(file, "missing member \"model\" (the layer config tree)");
        }
        LayerConfig<?> config;
        try {
            config = LayerConfigJson.using(types).fromJson(model, "model");
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage(), e);
        }
        ImmutableMap<String, String> metadata = stringMap(file, root, "metadata");
        return new Description(config, weights, metadata);
    }

    static void checkFormat(Path file, JsonObject root, String format, int version) throws CheckpointFormatException {
        JsonElement f = root.get("format");
        if (f == null || !f.isJsonPrimitive() || !f.getAsJsonPrimitive().isString() || !f.getAsString().equals(format)) {
            throw new CheckpointFormatException(file, "expected \"format\": \"" + format + "\", got "
                    + (f == null ? "none" : f.toString()));
        }
        JsonElement v = root.get("formatVersion");
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
            throw new CheckpointFormatException(file, "missing a numeric \"formatVersion\"");
        }
        if (!v.getAsString().equals(Integer.toString(version))) {
            throw new CheckpointFormatException(file, "format version " + v.getAsString() + " is not supported; this "
                    + "Fovea reads version " + version + (v.getAsDouble() > version ? " (the file is from a newer Fovea)"
                    : ""));
        }
    }

    static String plainFileName(Path file, JsonObject root, String member) throws CheckpointFormatException {
        JsonElement e = root.get(member);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new CheckpointFormatException(file, "missing the string member \"" + member + "\"");
        }
        String name = e.getAsString();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new CheckpointFormatException(file, "\"" + member + "\" must name a file in the same directory, got '"
                    + name + "'");
        }
        return name;
    }

    static ImmutableMap<String, String> stringMap(Path file, JsonObject root, String member)
            throws CheckpointFormatException {
        JsonElement e = root.get(member);
        if (e == null || e.isJsonNull()) {
            return ImmutableMap.of();
        }
        if (!e.isJsonObject()) {
            throw new CheckpointFormatException(file, "\"" + member + "\" must be an object of strings");
        }
        ImmutableMap.Builder<String, String> b = ImmutableMap.builder();
        for (Map.Entry<String, JsonElement> kv : e.getAsJsonObject().entrySet()) {
            JsonElement v = kv.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new CheckpointFormatException(file, "\"" + member + "\" must map strings to strings, but '"
                        + kv.getKey() + "' is " + v);
            }
            b.put(kv.getKey(), v.getAsString());
        }
        return b.buildOrThrow();
    }

    // ---- State dicts ------------------------------------------------------------------------------------

    /**
     * Every parameter and buffer of {@code model} by dotted name (parameters first), the tensors
     * themselves (not copies): what {@value #WEIGHTS_FILE} holds, like PyTorch's {@code state_dict()}.
     *
     * @throws IllegalArgumentException if a parameter and a buffer share a name
     */
    public static ImmutableMap<String, Tensor> stateDict(Layer model) {
        Objects.requireNonNull(model, "model");
        Map<String, Tensor> all = new LinkedHashMap<>(model.parameters());
        model.buffers().forEach((name, t) -> {
            if (all.putIfAbsent(name, t) != null) {
                throw new IllegalArgumentException("the model has a parameter and a buffer both named '" + name + "'");
            }
        });
        return ImmutableMap.copyOf(all);
    }

    /**
     * Copies {@code values} into {@code model}'s parameters and buffers, in place, like PyTorch's strict
     * {@code load_state_dict}: the names must match exactly and the shapes be equal; values are moved to
     * each target's device and converted to its dtype (floating point to floating point, integers to
     * integers). Nothing is changed unless everything fits.
     *
     * @throws IllegalArgumentException listing every missing, unexpected, mis-shaped or mis-typed tensor
     */
    @SuppressWarnings("try") // the scope brackets the writes
    public static void loadStateDict(Layer model, Map<String, ? extends Tensor> values) {
        Objects.requireNonNull(values, "values");
        Map<String, Tensor> targets = stateDict(model);
        Map<String, Spec> given = new LinkedHashMap<>();
        values.forEach((name, t) -> given.put(name, new Spec(t.dtype(), t.shape().dims())));
        String problems = mismatches(targets, given);
        if (problems != null) {
            throw new IllegalArgumentException("the state dict does not fit the model: " + problems);
        }
        try (NoGrad scope = NoGrad.enter()) {
            targets.forEach((name, target) -> {
                Tensor source = values.get(name);
                Tensor moved = source.device().equals(target.device()) ? source : source.to(target.device());
                target.assign(moved);
                if (moved != source) {
                    moved.close();
                }
            });
        }
    }

    /**
     * Loads a safetensors {@code file} (e.g. one PyTorch wrote, see docs/checkpoints.md) into
     * {@code model}'s parameters and buffers, with the checks of {@link #loadStateDict}.
     *
     * @throws CheckpointFormatException naming the file and every mismatch, before anything changes
     */
    public static void loadWeights(Layer model, Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assign(model, f);
        }
    }

    /** Validates names, shapes and dtypes of {@code file} against {@code model}, then reads and assigns. */
    @SuppressWarnings("try") // the scope brackets the writes
    static void assign(Layer model, SafetensorsFile file) throws IOException {
        Map<String, Tensor> targets = stateDict(model);
        Map<String, Spec> given = new LinkedHashMap<>();
        for (SafetensorsFile.Entry e : file.entries()) {
            DType fovea = e.dtype().foveaDType();
            long[] shape = e.shape();
            int[] dims = new int[shape.length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = (int) Math.min(shape[i], Integer.MAX_VALUE);
            }
            given.put(e.name(), new Spec(fovea, dims, e.dtype().name()));
        }
        String problems = mismatches(targets, given);
        if (problems != null) {
            throw new CheckpointFormatException(file.file(), "the tensors do not fit the model: " + problems);
        }
        Map<String, Tensor> uploaded = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : targets.entrySet()) {
                Tensor target = e.getValue();
                TensorData data = file.read(e.getKey());
                uploaded.put(e.getKey(), data.to(target.dtype()).toTensor(target.device()));
            }
            try (NoGrad scope = NoGrad.enter()) {
                targets.forEach((name, target) -> target.assign(uploaded.get(name)));
            }
        } finally {
            uploaded.values().forEach(Tensor::close);
        }
    }

    /** A tensor's dtype (null: one Fovea cannot hold) and shape, as offered for loading. */
    record Spec(DType dtype, int[] dims, String dtypeName) {
        Spec(DType dtype, int[] dims) {
            this(dtype, dims, dtype.safetensorsName());
        }
    }

    private static final int LISTED = 20;

    /** Every way {@code given} fails to fit {@code targets}, or null when it fits. */
    static String mismatches(Map<String, Tensor> targets, Map<String, Spec> given) {
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        List<String> dtypes = new ArrayList<>();
        targets.forEach((name, t) -> {
            Spec s = given.get(name);
            if (s == null) {
                missing.add(name);
                return;
            }
            if (!java.util.Arrays.equals(s.dims(), t.shape().dims())) {
                shapes.add(name + " (file " + java.util.Arrays.toString(s.dims()) + ", model " + t.shape() + ")");
            }
            if (s.dtype() == null || s.dtype().isFloatingPoint() != t.dtype().isFloatingPoint()) {
                dtypes.add(name + " (file " + s.dtypeName() + ", model " + t.dtype() + ")");
            }
        });
        given.keySet().stream().filter(name -> !targets.containsKey(name)).forEach(unexpected::add);
        if (missing.isEmpty() && unexpected.isEmpty() && shapes.isEmpty() && dtypes.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        add(parts, "missing", missing);
        add(parts, "unexpected", unexpected);
        add(parts, "shape mismatch", shapes);
        add(parts, "incompatible dtype", dtypes);
        return String.join("; ", parts) + " (the model has " + targets.size() + " tensors: parameters and buffers by "
                + "dotted name)";
    }

    private static void add(List<String> parts, String label, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        String listed = names.size() <= LISTED ? String.join(", ", names)
                : String.join(", ", names.subList(0, LISTED)) + ", ... (" + (names.size() - LISTED) + " more)";
        parts.add(label + " " + names.size() + ": " + listed);
    }

    static void closeAll(Layer model) {
        stateDict(model).values().forEach(Tensor::close);
    }
}

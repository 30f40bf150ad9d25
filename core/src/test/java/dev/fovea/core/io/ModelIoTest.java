package dev.fovea.core.io;

import static dev.fovea.core.io.IoTesting.assertRejected;
import static dev.fovea.core.io.IoTesting.assertSameBits;
import static dev.fovea.core.io.IoTesting.cpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.fovea.api.DType;
import dev.fovea.api.Layer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.AbstractLayer;
import dev.fovea.core.nn.AvgPool2d;
import dev.fovea.core.nn.BatchNorm1d;
import dev.fovea.core.nn.BatchNorm2d;
import dev.fovea.core.nn.Conv1d;
import dev.fovea.core.nn.Conv2d;
import dev.fovea.core.nn.Dropout;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.GELU;
import dev.fovea.core.nn.GlobalAvgPool2d;
import dev.fovea.core.nn.GlobalMaxPool2d;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.nn.LayerTypes;
import dev.fovea.core.nn.LeakyReLU;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.MaxPool1d;
import dev.fovea.core.nn.MaxPool2d;
import dev.fovea.core.nn.Padding;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.nn.Sigmoid;
import dev.fovea.core.nn.Softmax;
import dev.fovea.core.nn.Tanh;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIoTest {
    @TempDir
    Path tmp;

    /** A model whose buffers have moved away from their initial values (one training-mode forward). */
    @SuppressWarnings("try") // the scope brackets the forward
    static Sequential trainedALittle(long seed) {
        Sequential model = IoTesting.smallCnn().init(cpu(), seed);
        try (NoGrad scope = NoGrad.enter()) {
            model.forward(Tensors.randn(cpu(), DType.FLOAT32, Shape.of(6, 1, 8, 8), new RandomSource(seed + 100)));
        }
        return model;
    }

    static Tensor input() {
        return Tensors.randn(cpu(), DType.FLOAT32, Shape.of(3, 1, 8, 8), new RandomSource(9));
    }

    @Test
    void loadRebuildsTheModelFromItsFilesWithEveryParameterAndBuffer() throws IOException {
        Sequential model = trainedALittle(1);
        Path dir = tmp.resolve("cnn");
        ModelIo.save(model, dir, Map.of("inputMean", "0.3"));

        Layer loaded = ModelIo.load(dir, cpu());
        assertInstanceOf(Sequential.class, loaded);
        assertEquals(model.config(), ((Sequential) loaded).config());
        assertSameBits(model, loaded);
        model.setTraining(false);
        loaded.setTraining(false);
        assertSameBits("eval output", model.forward(input()), loaded.forward(input()));
        assertEquals(Map.of("inputMean", "0.3"), ModelIo.readMetadata(dir));

        try (SafetensorsFile weights = SafetensorsFile.open(dir.resolve(ModelIo.WEIGHTS_FILE))) {
            assertEquals(Set.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                    "1.num_batches_tracked", "6.weight", "6.bias"), Set.copyOf(weights.names()));
            assertEquals(SafetensorsFile.Dtype.I32, weights.entry("1.num_batches_tracked").dtype());
            assertEquals(1, weights.read("1.num_batches_tracked").toIntArray()[0]);
            assertEquals(Map.of("format", "pt"), weights.metadata());
        }
        JsonObject json = StrictJson.readFile(dir.resolve(ModelIo.CONFIG_FILE));
        assertEquals("fovea.model", json.get("format").getAsString());
        assertEquals(1, json.get("formatVersion").getAsInt());
        JsonObject conv = json.getAsJsonObject("model").getAsJsonArray("layers").get(0).getAsJsonObject();
        assertEquals("Conv2d", conv.get("type").getAsString());
        assertEquals("KaimingUniform", conv.getAsJsonObject("weightInit").get("type").getAsString());
        assertTrue(conv.get("biasInit").isJsonNull());
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "no temporary directories left");
        }
    }

    @Test
    void everyBuiltInConfigRoundTripsThroughJsonWithNonDefaultValues() {
        List<LayerConfig<?>> configs = List.of(
                Linear.of(3, 4).bias(false).weightInit(Init.xavierNormal()).dtype(DType.FLOAT64),
                Linear.of(3, 4).biasInit(Init.constant(0.1)),
                Conv1d.of(2, 4, 3).stride(2).padding(1, 2).dilation(2).weightInit(Init.normal(0, 0.02)),
                Conv2d.of(4, 8, 3).padding(Padding.SAME).dilation(2).groups(2).bias(false)
                        .weightInit(new Init.KaimingNormal(0.1, Init.FanMode.FAN_OUT, Init.Nonlinearity.LEAKY_RELU)),
                Conv2d.of(1, 2, 4, 2).stride(2, 1).padding(1, 0, 2, 1).biasInit(Init.uniform(-0.5, 0.25)),
                MaxPool1d.of(3), MaxPool2d.of(3, 2).stride(1).padding(1), AvgPool2d.of(2).countIncludePad(false),
                GlobalAvgPool2d.of(), GlobalMaxPool2d.of(), ReLU.of(), LeakyReLU.of(0.2), Sigmoid.of(), Tanh.of(),
                GELU.of(), Softmax.of(0), Flatten.of(2), Dropout.of(0.3), BatchNorm1d.of(5).momentum(0.01),
                BatchNorm2d.of(6).eps(1e-3).affine(false).dtype(DType.FLOAT64),
                Sequential.of(Linear.of(2, 2).weightInit(new Init.XavierUniform(0.7)),
                        Sequential.of(Init.zeros() instanceof Init.Zeros ? ReLU.of() : Tanh.of(),
                                Linear.of(2, 1).weightInit(Init.ones()).biasInit(Init.zeros()))),
                new Scale.Config(3, Init.kaimingUniform(), Scale.Mode.DIVIDE));
        Set<String> covered = new HashSet<>();
        LayerConfigJson json = LayerConfigJson.using(LayerTypeRegistry.discover());
        for (LayerConfig<?> c : configs) {
            String text = ModelIo.GSON.toJson(json.toJson(c));
            assertEquals(c, json.fromJson(StrictJson.parse(text), "model"), text);
            covered.add(c.type());
        }
        assertTrue(covered.containsAll(LayerTypes.builtIn().keySet()), "every built-in type is covered: " + covered);
    }

    @Test
    void customLayerLoadsThroughItsProviderAndFailsClearlyWithoutIt() throws IOException {
        Sequential model = Sequential.of(Linear.of(3, 3), new Scale.Config(3, Init.uniform(1, 2), Scale.Mode.MULTIPLY))
                .init(cpu(), 5);
        Path dir = tmp.resolve("custom");
        ModelIo.save(model, dir);

        Layer loaded = ModelIo.load(dir, cpu());
        assertInstanceOf(Scale.class, loaded.children().get("1"));
        assertSameBits(model, loaded);

        Path json = dir.resolve(ModelIo.CONFIG_FILE);
        CheckpointFormatException e = assertRejected(json, "model.layers[1]: unknown layer type 'TestScale'",
                () -> ModelIo.load(dir, cpu(), LayerTypeRegistry.builtIn()));
        assertTrue(e.getMessage().contains("known types: [AvgPool2d, BatchNorm1d,"), e.getMessage());
        assertTrue(e.getMessage().contains("LayerTypeProvider"), e.getMessage());
    }

    @Test
    void savingAModelThatCouldNotBeLoadedAgainFails() {
        Layer unregistered = Sequential.of(new Scale.Unregistered()).init(cpu(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelIo.save(unregistered, tmp.resolve("x")));
        assertTrue(e.getMessage().contains("layer type 'TestUnregistered'") && e.getMessage().contains("not registered"),
                e.getMessage());

        Layer noConfig = new Layer() {
            @Override
            public Tensor forward(Tensor input) {
                return input;
            }

            @Override
            public boolean isTraining() {
                return false;
            }

            @Override
            public void setTraining(boolean training) {}
        };
        e = assertThrows(IllegalArgumentException.class, () -> ModelIo.save(noConfig, tmp.resolve("y")));
        assertTrue(e.getMessage().contains("does not extend AbstractLayer"), e.getMessage());
        assertTrue(!Files.exists(tmp.resolve("x")) && !Files.exists(tmp.resolve("y")));
    }

    @Test
    void malformedModelJsonIsRejectedWithThePathOfTheProblem() throws IOException {
        Path dir = tmp.resolve("m");
        ModelIo.save(IoTesting.smallCnn().init(cpu(), 1), dir);
        Path json = dir.resolve(ModelIo.CONFIG_FILE);
        String good = Files.readString(json);
        Map<String, String[]> cases = new java.util.LinkedHashMap<>();
        cases.put("not JSON", new String[] {good.substring(0, 40), "invalid JSON"});
        cases.put("duplicate key", new String[] {good.replace("\"formatVersion\": 1,",
                "\"formatVersion\": 1, \"formatVersion\": 1,"), "the key 'formatVersion' appears twice"});
        cases.put("wrong format", new String[] {good.replace("fovea.model", "other"),
                "expected \"format\": \"fovea.model\""});
        cases.put("newer version", new String[] {good.replace("\"formatVersion\": 1", "\"formatVersion\": 2"),
                "format version 2 is not supported; this Fovea reads version 1 (the file is from a newer Fovea)"});
        cases.put("unknown member", new String[] {good.replaceFirst("\"inChannels\": 1", "\"inChannels\": 1, \"foo\": 3"),
                "model.layers[0]: unknown member 'foo' for Config"});
        cases.put("missing member", new String[] {good.replaceFirst("\"kernelH\": 3,", ""),
                "model.layers[0]: missing member 'kernelH'"});
        cases.put("fraction for an int", new String[] {good.replaceFirst("\"kernelH\": 3", "\"kernelH\": 2.5"),
                "model.layers[0].kernelH: expected an int, got 2.5"});
        cases.put("bad enum", new String[] {good.replaceFirst("\"EXPLICIT\"", "\"explicit\""),
                "model.layers[0].paddingMode: 'explicit' is not one of Padding [EXPLICIT, VALID, SAME]"});
        cases.put("constructor rejects", new String[] {good.replaceFirst("\"inChannels\": 1", "\"inChannels\": 0"),
                "model.layers[0]: Config rejects these values: Conv2d: in and out channels must be >= 1"});
        cases.put("unknown init", new String[] {good.replaceFirst("KaimingUniform", "Kaiming"),
                "model.layers[0].weightInit: unknown initializer type 'Kaiming'"});
        cases.put("weights outside the directory", new String[] {good.replace("\"model.safetensors\"",
                "\"../model.safetensors\""), "\"weights\" must name a file in the same directory"});
        for (Map.Entry<String, String[]> c : cases.entrySet()) {
            Files.writeString(json, c.getValue()[0]);
            assertRejected(json, c.getValue()[1], () -> ModelIo.load(dir, cpu()));
        }
    }

    @Test
    void aSaveThatFailsHalfwayLeavesThePreviousModelIntactAndNoTemporaryFiles() throws IOException {
        Path dir = tmp.resolve("model");
        Sequential first = trainedALittle(1);
        ModelIo.save(first, dir);
        long weightsSize = Files.size(dir.resolve(ModelIo.WEIGHTS_FILE));

        for (long failAt : new long[] {0, 100, weightsSize / 2, weightsSize + 10}) {
            IOException e = assertThrows(IOException.class,
                    () -> ModelIo.save(trainedALittle(2), dir, Map.of(), diskFullAfter(failAt)));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertSameBits(first, ModelIo.load(dir, cpu()));
            try (Stream<Path> files = Files.list(tmp)) {
                assertEquals(List.of(dir), files.toList(), "no temporary directories left after failing at " + failAt);
            }
        }
        Sequential second = trainedALittle(2);
        ModelIo.save(second, dir);
        assertSameBits(second, ModelIo.load(dir, cpu()));
    }

    /** A disk that fills up after {@code limit} bytes (over all files of one save). */
    static AtomicDirectory.Sink diskFullAfter(long limit) {
        long[] written = {0};
        return file -> new FilterOutputStream(AtomicDirectory.DISK.open(file)) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                long room = limit - written[0];
                if (len > room) {
                    out.write(b, off, (int) Math.max(0, room));
                    written[0] = limit;
                    throw new IOException(file + ": No space left on device");
                }
                out.write(b, off, len);
                written[0] += len;
            }
        };
    }

    @Test
    void aCrashBetweenTheRenamesLeavesACompleteCheckpointThatLoadAndTheNextSaveFind() throws IOException {
        Path dir = tmp.resolve("model");
        Sequential oldModel = trainedALittle(1);
        Sequential newModel = trainedALittle(2);
        ModelIo.save(oldModel, dir);
        ModelIo.save(newModel, tmp.resolve("new"));
        // the state after step 3 of the protocol: dir moved to .old-T, the complete new one still in .tmp-T
        Files.move(dir, tmp.resolve("model.old-00000000000000aa"));
        Files.move(tmp.resolve("new"), tmp.resolve("model.tmp-00000000000000aa"));
        assertSameBits(newModel, ModelIo.load(dir, cpu()));

        Sequential third = trainedALittle(3);
        ModelIo.save(third, dir);
        assertSameBits(third, ModelIo.load(dir, cpu()));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList(), "recovery removed the stale directories");
        }

        // a crash while writing the temporary directory: dir is untouched, the stale one is cleaned up
        Files.createDirectory(tmp.resolve("model.tmp-00000000000000bb"));
        Files.writeString(tmp.resolve("model.tmp-00000000000000bb").resolve(ModelIo.WEIGHTS_FILE), "partial");
        assertSameBits(third, ModelIo.load(dir, cpu()));
        ModelIo.save(newModel, dir);
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList());
        }
    }

    @Test
    void stateDictsLoadStrictlyAndNameEveryMismatch() {
        Sequential a = trainedALittle(1);
        Sequential b = IoTesting.smallCnn().init(cpu(), 2);
        ModelIo.loadStateDict(b, ModelIo.stateDict(a));
        assertSameBits(a, b);

        Map<String, Tensor> wrong = new java.util.LinkedHashMap<>(ModelIo.stateDict(a));
        wrong.remove("0.bias");
        wrong.put("extra", Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(1)));
        wrong.put("6.bias", Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(11)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelIo.loadStateDict(b, wrong));
        assertTrue(e.getMessage().contains("missing 1: 0.bias") && e.getMessage().contains("unexpected 1: extra")
                && e.getMessage().contains("6.bias (file [11], model [10])"), e.getMessage());
    }

    @Test
    void saveWeightsReplacesTheFileAtomically() throws IOException {
        Path file = tmp.resolve("w.safetensors");
        Files.writeString(file, "old");
        ModelIo.saveWeights(trainedALittle(1), file);
        AbstractLayer fresh = IoTesting.smallCnn().init(cpu(), 7);
        ModelIo.loadWeights(fresh, file);
        assertSameBits(trainedALittle(1), fresh);
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList());
        }
        assertTrue(new String(Files.readAllBytes(file), 8, 2, StandardCharsets.UTF_8).startsWith("{\""));
    }
}

package dev.fovea.examples.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.DataLoader;
import dev.fovea.core.data.Datasets;
import dev.fovea.core.data.TrainTestSplit;
import dev.fovea.core.device.Devices;
import dev.fovea.core.io.CheckpointFormatException;
import dev.fovea.core.io.LayerTypeProvider;
import dev.fovea.core.io.LayerTypeRegistry;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.nn.Flatten;
import dev.fovea.core.nn.Linear;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.ReLU;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.Adam;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingResult;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Depth 1: a custom layer works in Sequential, the Trainer, an optimizer and checkpoints like a built-in. */
class ResidualTest {
    private final Device cpu = Devices.get("cpu");

    static Sequential.Config model() {
        return Sequential.of(
                Flatten.of(), Linear.of(64, 32), ReLU.of(),
                Residual.of(Sequential.of(Linear.of(32, 32), ReLU.of(), Linear.of(32, 32))),
                ReLU.of(), Linear.of(32, 10));
    }

    @Test
    void trainsInSequentialWithTheTrainerAndAnOptimizer() {
        Sequential net = model().init(cpu, 7);
        assertEquals(List.of("1.weight", "1.bias", "3.body.0.weight", "3.body.0.bias", "3.body.2.weight",
                "3.body.2.bias", "5.weight", "5.bias"), List.copyOf(net.parameters().keySet()));
        float[] before = net.parameters().get("3.body.0.weight").toFloatArray();

        TrainTestSplit digits = Datasets.digitsSplit(7, 0.2);
        Optimizer adam = Adam.lr(0.01).over(net.parameters());
        TrainingResult result;
        try (DataLoader train = DataLoader.over(digits.train()).batchSize(64).shuffle(7).device(cpu);
                DataLoader test = DataLoader.over(digits.test()).batchSize(256).device(cpu)) {
            result = Trainer.epochs(4).fit(net, Losses::crossEntropy, adam, train, test);
        }
        double accuracy = result.last().orElseThrow().validationAccuracy();
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
        float[] after = net.parameters().get("3.body.0.weight").toFloatArray();
        int moved = 0;
        for (int i = 0; i < before.length; i++) {
            moved += before[i] != after[i] ? 1 : 0;
        }
        assertTrue(moved > before.length / 2, "the optimizer moved the custom layer's weights: " + moved + " of "
                + before.length);
    }

    @Test
    void roundTripsThroughACheckpoint(@TempDir Path dir) throws IOException {
        Sequential net = model().init(cpu, 11);
        Path saved = dir.resolve("residual-net");
        ModelIo.save(net, saved);
        assertTrue(Files.readString(saved.resolve(ModelIo.CONFIG_FILE)).contains("\"type\": \"examples.Residual\""));

        Layer again = ModelIo.load(saved, cpu);
        Sequential loaded = assertInstanceOf(Sequential.class, again);
        assertInstanceOf(Residual.class, loaded.get(3));
        assertEquals(model(), loaded.config(), "the structure came back from model.json");
        assertEquals(net.parameters().keySet(), loaded.parameters().keySet());

        Tensor x = Tensors.uniform(cpu, dev.fovea.api.DType.FLOAT32, dev.fovea.api.Shape.of(5, 1, 8, 8), 0, 1,
                new dev.fovea.core.tensor.RandomSource(3));
        net.setTraining(false);
        loaded.setTraining(false);
        float[] expected = NoGrad.run(() -> net.forward(x)).toFloatArray();
        assertArrayEquals(expected, NoGrad.run(() -> loaded.forward(x)).toFloatArray(), "same weights, same outputs");
    }

    /** A class loader that sees everything the test sees except the LayerTypeProvider services files. */
    private static ClassLoader withoutLayerProviders() {
        String hidden = "META-INF/services/" + LayerTypeProvider.class.getName();
        return new ClassLoader(ResidualTest.class.getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.equals(hidden) ? Collections.emptyEnumeration() : super.getResources(name);
            }

            @Override
            public URL getResource(String name) {
                return name.equals(hidden) ? null : super.getResource(name);
            }
        };
    }

    private static <T> T withContextLoader(ClassLoader loader, Callable<T> body) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return body.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void aProgramWithoutTheProviderFailsNamingTheMissingType(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("residual-net");
        ModelIo.save(model().init(cpu, 11), saved);
        assertTrue(LayerTypeRegistry.discover().names().contains(Residual.TYPE), "this program has the provider");

        // The same load in a "program" whose class path lacks the provider's services file ...
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> withContextLoader(withoutLayerProviders(), () -> ModelIo.load(saved, cpu)));
        assertTrue(e.getMessage().contains("unknown layer type 'examples.Residual'"), e.getMessage());
        assertTrue(e.getMessage().contains("LayerTypeProvider"), e.getMessage());
        assertTrue(e.getMessage().contains(ModelIo.CONFIG_FILE), e.getMessage());

        // ... and with an explicit registry of the built-in layers only.
        CheckpointFormatException builtIn = assertThrows(CheckpointFormatException.class,
                () -> ModelIo.load(saved, cpu, LayerTypeRegistry.builtIn()));
        assertTrue(builtIn.getMessage().contains("unknown layer type 'examples.Residual'"), builtIn.getMessage());

        // Without the provider a model that uses the layer is not even saved: it could not be loaded again.
        IllegalArgumentException save = assertThrows(IllegalArgumentException.class,
                () -> withContextLoader(withoutLayerProviders(), () -> {
                    ModelIo.save(model().init(cpu, 11), dir.resolve("unsaved"));
                    return null;
                }));
        assertTrue(save.getMessage().contains("'examples.Residual'") && save.getMessage().contains("not registered"),
                save.getMessage());
        assertTrue(Files.notExists(dir.resolve("unsaved")));
    }

    @Test
    void theBodyMustKeepTheShape() {
        Residual bad = Residual.of(Linear.of(4, 3)).init(cpu, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bad.forward(Tensors.zeros(cpu, dev.fovea.api.DType.FLOAT32, dev.fovea.api.Shape.of(2, 4))));
        assertTrue(e.getMessage().contains("needs the same shape out as in"), e.getMessage());
    }
}

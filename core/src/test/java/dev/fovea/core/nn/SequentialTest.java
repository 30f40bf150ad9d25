package dev.fovea.core.nn;

import static dev.fovea.core.nn.NnTesting.assertValues;
import static dev.fovea.core.nn.NnTesting.cpu;
import static dev.fovea.core.nn.NnTesting.f32;
import static dev.fovea.core.nn.NnTesting.f64;
import static dev.fovea.core.nn.NnTesting.random64;
import static dev.fovea.core.nn.NnTesting.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sequential: the design's LeNet sketch, naming, training mode, printing, errors, functional calls. */
class SequentialTest {

    private static Sequential.Config lenet() {
        return Sequential.of(
                Conv2d.of(1, 32, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                Conv2d.of(32, 64, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                Flatten.of(), Linear.of(3136, 128), ReLU.of(), Linear.of(128, 10));
    }

    @Test
    void theDesignSketchBuildsAndNamesParametersLikePyTorch() {
        Device device = cpu();
        long seed = 42;
        var model = Sequential.of(
                Conv2d.of(1, 32, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                Conv2d.of(32, 64, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
                Flatten.of(), Linear.of(3136, 128), ReLU.of(), Linear.of(128, 10))
            .init(device, seed);
        Map<String, Tensor> params = model.parameters();
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"),
                List.copyOf(params.keySet()));
        assertEquals(Shape.of(32, 1, 5, 5), params.get("0.weight").shape());
        assertEquals(Shape.of(64, 32, 5, 5), params.get("3.weight").shape());
        assertEquals(Shape.of(128, 3136), params.get("7.weight").shape());
        assertEquals(Shape.of(10), params.get("9.bias").shape());
        assertEquals(32 * 25 + 32 + 64 * 32 * 25 + 64 + 3136 * 128 + 128 + 128 * 10 + 10, Layers.parameterCount(model));
        for (Tensor p : params.values()) {
            assertTrue(p.requiresGrad() && p.isLeaf());
        }
        Tensor images = Tensors.zeros(device, DType.FLOAT32, Shape.of(2, 1, 28, 28));
        Tensor logits = model.forward(images);
        assertEquals(Shape.of(2, 10), logits.shape());
        Tensor loss = Losses.crossEntropy(logits, NnTesting.labels(3, 7));
        loss.backward();
        for (var e : params.entrySet()) {
            assertEquals(e.getValue().shape(), e.getValue().grad().shape(), e.getKey());
        }
    }

    @Test
    void sameSeedGivesSameWeightsAndTheStreamIsSharedInOrder() {
        Sequential a = lenet().init(cpu(), 7);
        Sequential b = lenet().init(cpu(), 7);
        Sequential c = lenet().init(cpu(), 8);
        for (String name : a.parameters().keySet()) {
            assertArrayEquals(a.parameters().get(name).toFloatArray(), b.parameters().get(name).toFloatArray(), name);
            assertFalse(Arrays.equals(a.parameters().get(name).toFloatArray(),
                    c.parameters().get(name).toFloatArray()), name);
        }
        // children draw one after the other from one stream: the second Linear differs from the first
        Sequential two = Sequential.of(Linear.of(4, 4), Linear.of(4, 4)).init(cpu(), 1);
        assertFalse(Arrays.equals(two.parameters().get("0.weight").toFloatArray(),
                two.parameters().get("1.weight").toFloatArray()));
        // and the first child equals a lone layer built from the same seed
        assertArrayEquals(Linear.of(4, 4).init(cpu(), 1).weight().toFloatArray(),
                two.parameters().get("0.weight").toFloatArray());
    }

    @Test
    void setTrainingPropagatesToEveryDescendant() {
        Sequential model = Sequential.of(Linear.of(2, 2), Sequential.of(Dropout.of(), BatchNorm1d.of(2)))
                .init(cpu(), 1);
        Sequential inner = (Sequential) model.get(1);
        assertTrue(model.isTraining() && inner.isTraining() && inner.get(0).isTraining());
        model.setTraining(false);
        assertFalse(model.isTraining());
        assertFalse(model.get(0).isTraining());
        assertFalse(inner.isTraining());
        assertFalse(inner.get(0).isTraining());
        assertFalse(inner.get(1).isTraining());
        model.train();
        assertTrue(inner.get(1).isTraining());
        assertEquals(List.of("1.1.running_mean", "1.1.running_var", "1.1.num_batches_tracked"),
                List.copyOf(model.buffers().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.1.weight", "1.1.bias"), List.copyOf(model.parameters().keySet()));
    }

    @Test
    void printsTheTreeLikePyTorch() {
        Sequential model = Sequential.of(Conv2d.of(1, 8, 3).padding(1), ReLU.of(),
                Sequential.of(Flatten.of(), Linear.of(8, 2))).init(cpu(), 1);
        assertEquals("""
                Sequential(
                  (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                  (1): ReLU()
                  (2): Sequential(
                    (0): Flatten(start_dim=1, end_dim=-1)
                    (1): Linear(in_features=8, out_features=2, bias=True)
                  )
                )""", model.toString());
    }

    @Test
    void aChildsErrorIsReportedWithItsPosition() {
        Sequential model = lenet().init(cpu(), 1);
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(f32(new float[3 * 28 * 28], 1, 3, 28,
                28)));
        assertTrue(e.getMessage().startsWith("Sequential layer 0 (Conv2d): Conv2d(1, 32"), e.getMessage());
        assertTrue(e.getMessage().contains("[N, 1, H, W]") && e.getMessage().contains("[1, 3, 28, 28]"),
                e.getMessage());
        var late = assertThrows(IllegalArgumentException.class, () -> model.forward(f32(new float[32 * 32], 1, 1, 32,
                32)));
        assertTrue(late.getMessage().startsWith("Sequential layer 7 (Linear)"), late.getMessage());
        assertTrue(late.getMessage().contains("[..., 3136]") && late.getMessage().contains("[1, 4096]"),
                late.getMessage());
    }

    @Test
    void builtLayersCanBeSequencedAndTheirConfigRecovered() {
        Linear fc = Linear.of(3, 2).init(cpu(), new RandomSource(1));
        Sequential seq = Sequential.ofLayers(fc, ReLU.create());
        assertSame(fc, seq.get(0));
        assertSame(fc.weight(), seq.parameters().get("0.weight"));
        assertEquals(Sequential.of(Linear.of(3, 2), ReLU.of()), seq.config());
        assertEquals(lenet(), lenet().init(cpu(), 1).config());
        Layer foreign = new Layer() {
            @Override
            public Tensor forward(Tensor input) {
                return input;
            }

            @Override
            public boolean isTraining() {
                return true;
            }

            @Override
            public void setTraining(boolean training) {}
        };
        assertEquals(Shape.of(1, 2), Sequential.ofLayers(foreign, fc).forward(f32(new float[3], 1, 3)).shape());
        assertThrows(IllegalStateException.class, () -> Sequential.ofLayers(foreign).config());
        assertEquals(Shape.of(1, 3), Sequential.ofLayers().forward(f32(new float[3], 1, 3)).shape());
    }

    @Test
    void dtypePropagatesToEveryChild() {
        Sequential model = Sequential.of(Conv2d.of(1, 2, 3), BatchNorm2d.of(2), Flatten.of(), Linear.of(2, 1))
                .dtype(DType.FLOAT64).init(cpu(), 1);
        for (Tensor t : model.parameters().values()) {
            assertEquals(DType.FLOAT64, t.dtype());
        }
        assertEquals(DType.FLOAT64, model.buffers().get("1.running_mean").dtype());
    }

    @Test
    void wholeModelGradientCheck() {
        Sequential model = Sequential.of(
                Conv2d.of(1, 2, 3).padding(1), BatchNorm2d.of(2), Tanh.of(), AvgPool2d.of(2),
                Flatten.of(), Linear.of(8, 3), GELU.of(), Linear.of(3, 2))
            .dtype(DType.FLOAT64).init(cpu(), 5);
        NnTesting.gradCheckLayer(model, random64(41, 2, 1, 4, 4));
    }

    @Test
    void functionalCallSubstitutesParametersAndRestoresThem() {
        Linear fc = Linear.of(2, 1).dtype(DType.FLOAT64).init(cpu(), new RandomSource(1));
        Tensor original = fc.weight();
        Sequential model = Sequential.ofLayers(fc);
        Tensor x = f64(new double[] {1, 2}, 1, 2);
        Tensor w = f64(new double[] {10, 100}, 1, 2);
        Tensor b = f64(new double[] {0.5}, 1);
        assertValues(new double[] {210.5}, Layers.functionalCall(model, Map.of("0.weight", w, "0.bias", b), x), 0);
        assertSame(original, fc.weight());
        set(fc.bias(), new double[] {0});
        set(fc.weight(), new double[] {1, 1});
        assertValues(new double[] {3}, model.forward(x), 0);
        var unknown = assertThrows(IllegalArgumentException.class,
                () -> Layers.functionalCall(model, Map.of("0.kernel", w), x));
        assertTrue(unknown.getMessage().contains("0.kernel"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Layers.functionalCall(model, Map.of("0.weight", f64(new double[3], 3)), x));
        assertSame(original, fc.weight());
        assertNotSame(w, fc.weight());
    }

    @Test
    void parameterMapsAreReadOnly() {
        Linear fc = Linear.of(2, 1).init(cpu(), new RandomSource(1));
        assertThrows(UnsupportedOperationException.class, () -> fc.localParameters().clear());
        assertThrows(UnsupportedOperationException.class, () -> fc.parameters().clear());
        assertThrows(UnsupportedOperationException.class, () -> Sequential.ofLayers(fc).children().clear());
    }
}

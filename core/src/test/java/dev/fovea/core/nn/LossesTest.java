package dev.fovea.core.nn;

import static dev.fovea.core.nn.NnTesting.assertValues;
import static dev.fovea.core.nn.NnTesting.cpu;
import static dev.fovea.core.nn.NnTesting.f32;
import static dev.fovea.core.nn.NnTesting.f64;
import static dev.fovea.core.nn.NnTesting.labels;
import static dev.fovea.core.nn.NnTesting.random64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.Backend;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.tensor.Tensors;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Losses and metrics against hand-computed values with PyTorch's semantics, and their gradients. */
class LossesTest {
    // -log softmax of [1, 2, 3] at class 2, and of [1, 1, 1] at any class
    private static final double NLL_ROW1 = 0.4076059644443806;
    private static final double LOG3 = 1.09861228866811;

    private static Tensor logits() {
        return f32(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
    }

    @Test
    void crossEntropyOfKnownLogits() {
        assertEquals((NLL_ROW1 + LOG3) / 2, Losses.crossEntropy(logits(), labels(2, 0)).item(), 1e-6);
        assertEquals(NLL_ROW1 + LOG3, Losses.crossEntropy(logits(), labels(2, 0), Reduction.SUM).item(), 1e-6);
        Tensor none = Losses.crossEntropy(logits(), labels(2, 0), Reduction.NONE);
        assertEquals(Shape.of(2), none.shape());
        assertValues(new double[] {NLL_ROW1, LOG3}, none, 1e-6);
        assertEquals(Shape.scalar(), Losses.crossEntropy(logits(), labels(2, 0)).shape());
    }

    @Test
    void crossEntropyWithLabelSmoothingFollowsPyTorch() {
        // (1 - 0.1) * NLL + 0.1 * mean over classes of -logSoftmax; row 1: -logp = [2.4076, 1.4076, 0.4076]
        double row1 = 0.9 * NLL_ROW1 + 0.1 * (NLL_ROW1 + 1);
        assertEquals(0.5076059644443807, row1, 1e-15);
        assertEquals((row1 + LOG3) / 2, Losses.crossEntropy(logits(), labels(2, 0), 0.1).item(), 1e-6);
        assertEquals(0.8031091265562453, Losses.crossEntropy(logits(), labels(2, 0), 0.1).item(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), labels(2, 0), 1.5));
    }

    @Test
    void crossEntropyWithProbabilityTargets() {
        Tensor probs = f32(new float[] {0.2f, 0.3f, 0.5f}, 1, 3);
        assertEquals(1.1076059644443805, Losses.crossEntropy(f32(new float[] {1, 2, 3}, 1, 3), probs).item(), 1e-6);
        // one-hot probabilities equal class labels
        Tensor oneHot = f32(new float[] {0, 0, 1, 1, 0, 0}, 2, 3);
        assertEquals(Losses.crossEntropy(logits(), labels(2, 0), 0.1).item(),
                Losses.crossEntropy(logits(), oneHot, 0.1).item(), 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), probs));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[1, 3]"), e.getMessage());
    }

    @Test
    void crossEntropyStaysFiniteForHugeLogits() {
        Tensor big = f32(new float[] {1e4f, 0, -1e4f}, 1, 3);
        assertEquals(0, Losses.crossEntropy(big, labels(0)).item(), 1e-6);
        assertEquals(1e4, Losses.crossEntropy(big, labels(1)).item(), 1e-2);
        assertEquals(2e4, Losses.crossEntropy(big, labels(2)).item(), 1e-2);
        Tensor leaf = big.detach().requiresGrad(true);
        Losses.crossEntropy(leaf, labels(2)).backward();
        assertValues(new double[] {1, 0, -1}, leaf.grad(), 1e-6);
    }

    @Test
    void crossEntropyRejectsOutOfRangeLabelsNamingLabelAndClasses() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), labels(1, 3)));
        assertTrue(e.getMessage().contains("label 3") && e.getMessage().contains("3 classes"), e.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), labels(-1, 0)));
        assertTrue(neg.getMessage().contains("label -1"), neg.getMessage());
        var shape = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), labels(1, 0, 2)));
        assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[3]"), shape.getMessage());
    }

    @Test
    void labelsCheckedOnTheHostAreNotReadBackAndOthersAre() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Backend cpu = ((BackendDevice) cpu()).backend();
        BackendDevice counting = new BackendDevice((Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        Tensor logits = Tensors.of(counting, new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
        Tensor plain = Tensors.ofInts(counting, new int[] {2, 0}, 2);
        Tensor checked = ClassLabels.upload(counting, new int[] {2, 0}, 3);
        assertTrue(ClassLabels.checkedOnHost(checked, 3) && ClassLabels.checkedOnHost(checked, 10));
        assertTrue(!ClassLabels.checkedOnHost(checked, 2) && !ClassLabels.checkedOnHost(plain, 3));

        calls.clear();
        Tensor viaDevice = Losses.crossEntropy(logits, plain);
        assertEquals(1, calls.getOrDefault("download", new AtomicInteger()).get(), "device labels are read back once");
        calls.clear();
        Tensor viaHost = Losses.crossEntropy(logits, checked);
        assertEquals(null, calls.get("download"), "host-checked labels are not read back");
        assertEquals(null, calls.get("upload"));
        assertEquals(viaDevice.item(), viaHost.item());
        assertEquals((NLL_ROW1 + LOG3) / 2, viaHost.item(), 1e-6);

        var e = assertThrows(IllegalArgumentException.class, () -> ClassLabels.upload(cpu(), new int[] {0, 7, 1}, 3));
        assertTrue(e.getMessage().contains("label 7 at index 1") && e.getMessage().contains("3 classes"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassLabels.upload(cpu(), new int[] {-1}, 3));
        // Checked for 10 classes, used with 3: not trusted, so the device check still names the label.
        Tensor wide = ClassLabels.upload(cpu(), new int[] {1, 5}, 10);
        var narrow = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits(), wide));
        assertTrue(narrow.getMessage().contains("label 5"), narrow.getMessage());
    }

    @Test
    void crossEntropyOnUnbatchedAndSpatialLogits() {
        assertEquals(NLL_ROW1, Losses.crossEntropy(f32(new float[] {1, 2, 3}, 3),
                Tensors.ofInts(cpu(), new int[] {2})).item(), 1e-6);
        // [N=1, C=3, 2]: position 0 has logits [1, 2, 3], position 1 has [1, 1, 1]
        Tensor spatial = f32(new float[] {1, 1, 2, 1, 3, 1}, 1, 3, 2);
        Tensor target = Tensors.ofInts(cpu(), new int[] {2, 0}, 1, 2);
        Tensor none = Losses.crossEntropy(spatial, target, Reduction.NONE);
        assertEquals(Shape.of(1, 2), none.shape());
        assertValues(new double[] {NLL_ROW1, LOG3}, none, 1e-6);
    }

    @Test
    void oneHotIsBuiltOnTheDevice() {
        Tensor h = Losses.oneHot(labels(2, 0, 1), 4, DType.FLOAT32);
        assertEquals(Shape.of(3, 4), h.shape());
        assertValues(new double[] {0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}, h, 0);
    }

    @Test
    void binaryCrossEntropyWithLogits() {
        Tensor x = f32(new float[] {0.5f, -1}, 2);
        Tensor t = f32(new float[] {1, 0}, 2);
        assertValues(new double[] {0.4740769841801067, 0.31326168751822286},
                Losses.binaryCrossEntropyWithLogits(x, t, Reduction.NONE), 1e-6);
        assertEquals((0.4740769841801067 + 0.31326168751822286) / 2,
                Losses.binaryCrossEntropyWithLogits(x, t).item(), 1e-6);
        // pos_weight 2 doubles the loss of positive targets only
        Tensor posWeight = f32(new float[] {2}, 1);
        assertValues(new double[] {0.9481539683602134, 0.31326168751822286},
                Losses.binaryCrossEntropyWithLogits(x, t, posWeight, Reduction.NONE), 1e-6);
        // soft targets: -(t log s + (1 - t) log(1 - s))
        double s = 1 / (1 + Math.exp(-0.5));
        double soft = -(0.3 * Math.log(s) + 0.7 * Math.log(1 - s));
        assertEquals(soft, Losses.binaryCrossEntropyWithLogits(f32(new float[] {0.5f}, 1),
                f32(new float[] {0.3f}, 1)).item(), 1e-6);
    }

    @Test
    void binaryCrossEntropyStaysFiniteForLogitsOfPlusMinus100() {
        Tensor x = f32(new float[] {100, -100}, 2);
        assertValues(new double[] {100, 100},
                Losses.binaryCrossEntropyWithLogits(x, f32(new float[] {0, 1}, 2), Reduction.NONE), 1e-4);
        assertValues(new double[] {0, 0},
                Losses.binaryCrossEntropyWithLogits(x, f32(new float[] {1, 0}, 2), Reduction.NONE), 1e-6);
        Tensor leaf = x.detach().requiresGrad(true);
        Losses.binaryCrossEntropyWithLogits(leaf, f32(new float[] {0, 1}, 2), Reduction.SUM).backward();
        assertValues(new double[] {1, -1}, leaf.grad(), 1e-6);
    }

    @Test
    void mseAndL1() {
        Tensor p = f32(new float[] {1, 2, 3}, 3);
        Tensor t = f32(new float[] {1.5f, 2, 2}, 3);
        assertEquals(1.25 / 3, Losses.mse(p, t).item(), 1e-7);
        assertEquals(1.25, Losses.mse(p, t, Reduction.SUM).item(), 1e-7);
        assertValues(new double[] {0.25, 0, 1}, Losses.mse(p, t, Reduction.NONE), 1e-7);
        assertEquals(0.5, Losses.l1(p, t).item(), 1e-7);
        assertEquals(1.5, Losses.l1(p, t, Reduction.SUM).item(), 1e-7);
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(p, f32(new float[3], 3, 1)));
        assertTrue(e.getMessage().contains("mse") && e.getMessage().contains("[3]")
                && e.getMessage().contains("[3, 1]"), e.getMessage());
    }

    @Test
    void lossGradients() {
        Tensor lbl = labels(2, 0, 1);
        GradCheck.assertGradients(in -> Losses.crossEntropy(in.get(0), lbl), List.of(random64(1, 3, 4)
                .requiresGrad(true)));
        GradCheck.assertGradients(in -> Losses.crossEntropy(in.get(0), lbl, 0.1, Reduction.NONE),
                List.of(random64(2, 3, 4).requiresGrad(true)));
        GradCheck.assertGradients(in -> Losses.crossEntropy(in.get(0), in.get(1).softmax(1), 0.2, Reduction.SUM),
                List.of(random64(3, 2, 4).requiresGrad(true), random64(4, 2, 4).requiresGrad(true)));
        Tensor targets = f64(new double[] {0, 1, 0.3, 1, 0, 0.8}, 2, 3);
        GradCheck.assertGradients(in -> Losses.binaryCrossEntropyWithLogits(in.get(0), in.get(1)),
                List.of(f64(new double[] {-3, -0.5, 0.2, 0.7, 2, 5}, 2, 3).requiresGrad(true),
                        targets.requiresGrad(true)));
        GradCheck.assertGradients(in -> Losses.binaryCrossEntropyWithLogits(in.get(0), targets, in.get(1),
                Reduction.MEAN), List.of(f64(new double[] {-3, -0.5, 0.2, 0.7, 2, 5}, 2, 3).requiresGrad(true),
                f64(new double[] {0.5, 2, 3}, 3).requiresGrad(true)));
        GradCheck.assertGradients(in -> Losses.mse(in.get(0), in.get(1)),
                List.of(random64(5, 2, 3).requiresGrad(true), random64(6, 2, 3).requiresGrad(true)));
        GradCheck.assertGradients(in -> Losses.l1(in.get(0), in.get(1), Reduction.SUM),
                List.of(random64(7, 2, 3).requiresGrad(true), random64(8, 2, 3).requiresGrad(true)));
    }

    @Test
    void accuracyCountsArgmaxHits() {
        Tensor out = f32(new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0.3f, 0.7f, 0.6f, 0.4f}, 4, 2);
        assertEquals(3, Metrics.correct(out, labels(1, 0, 1, 1)));
        assertEquals(0.75, Metrics.accuracy(out, labels(1, 0, 1, 1)));
        assertEquals(1.0, Metrics.accuracy(out, labels(1, 0, 1, 0)));
        var e = assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(out, labels(1, 0)));
        assertTrue(e.getMessage().contains("[4]"), e.getMessage());
    }
}

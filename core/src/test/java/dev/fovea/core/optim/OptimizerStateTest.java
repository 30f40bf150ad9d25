package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.param;
import static dev.fovea.core.optim.OptimTesting.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Taking and restoring optimizer state: exact resume, and clear refusals of states that do not fit. */
class OptimizerStateTest {

    /** A small FLOAT32 "model": a 2x3 weight and a bias, with deterministic values. */
    private static Map<String, Tensor> model(long seed) {
        Random r = new Random(seed);
        float[] w = new float[6];
        float[] b = new float[3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("0.weight", param(w, 2, 3));
        m.put("0.bias", param(b, 3));
        return m;
    }

    /** Gradients that depend on the step and on the current weights (a quadratic pulling towards a target). */
    private static void gradients(Map<String, Tensor> params, int step) {
        params.forEach((name, p) -> {
            double[] v = p.toDoubleArray();
            double[] g = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                g[i] = 2 * (v[i] - Math.sin(i + step)) + 0.1 * Math.cos(3 * i * step);
            }
            setGrad(p, g);
        });
    }

    private static final Map<String, Function<Map<String, Tensor>, AbstractOptimizer>> CONFIGS = Map.of(
            "sgd", p -> Sgd.momentum(0.9).lr(0.05).nesterov(true).weightDecay(1e-3).over(p),
            "adam", p -> Adam.lr(0.01).betas(0.8, 0.95).weightDecay(1e-2).amsgrad(true).over(p),
            "adamw", p -> AdamW.lr(0.01).weightDecay(0.1).over(p),
            "rmsprop", p -> RmsProp.lr(0.01).momentum(0.5).centered(true).weightDecay(1e-2).over(p));

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adamw", "rmsprop"})
    void restoredMidTrainingContinuesBitIdentically(String config) {
        Map<String, Tensor> pa = model(1);
        AbstractOptimizer a = CONFIGS.get(config).apply(pa);
        for (int t = 0; t < 3; t++) {
            gradients(pa, t);
            a.step();
        }
        a.setLearningRate(a.learningRate() * 0.5); // a scheduler was at work
        OptimizerState saved = a.state();

        // Elsewhere: the same model (weights restored from a checkpoint), a fresh optimizer, the saved state.
        Map<String, Tensor> pb = model(2);
        pb.forEach((name, p) -> NoGrad.run(() -> p.assign(pa.get(name))));
        AbstractOptimizer b = CONFIGS.get(config).apply(pb);
        b.load(saved);
        assertEquals(a.learningRate(), b.learningRate(), 0);
        assertEquals(3, b.steps());
        assertEquals(saved, b.state(), "state survives the round trip exactly");

        for (int t = 3; t < 6; t++) {
            gradients(pa, t);
            gradients(pb, t);
            a.step();
            b.step();
        }
        for (String name : pa.keySet()) {
            assertArrayEquals(pa.get(name).toFloatArray(), pb.get(name).toFloatArray(), config + " " + name);
        }
        assertEquals(a.state(), b.state());
        assertNotEquals(saved, a.state(), "the state moved on");
    }

    @Test
    void fromStateRebuildsTheOptimizer() {
        Map<String, Tensor> pa = model(1);
        AbstractOptimizer a = RmsProp.lr(0.02).alpha(0.9).momentum(0.3).centered(true).over(pa);
        gradients(pa, 0);
        a.step();
        AbstractOptimizer b = Optimizers.fromState(a.state(), pa);
        assertTrue(b instanceof RmsProp);
        assertEquals(a.state(), b.state());
        assertEquals(((RmsProp) a).config(), ((RmsProp) b).config());
    }

    @Test
    void stateNamesTensorsByParameterAndSlot() {
        Map<String, Tensor> p = model(1);
        AbstractOptimizer adam = Adam.lr(0.01).over(p);
        assertTrue(adam.state().tensors().isEmpty(), "no state before the first step");
        gradients(p, 0);
        adam.step();
        adam.step();
        OptimizerState s = adam.state();
        assertEquals("Adam", s.type());
        assertEquals(List.of("0.weight.exp_avg", "0.weight.exp_avg_sq", "0.weight.step", "0.bias.exp_avg",
                "0.bias.exp_avg_sq", "0.bias.step"), List.copyOf(s.tensors().keySet()));
        assertEquals(Shape.of(2, 3), s.tensors().get("0.weight.exp_avg").shape());
        assertEquals(2.0, s.tensors().get("0.weight.step").item());
        assertEquals(0.01, s.learningRate());
        assertEquals(0.9, s.hyperParameters().get("beta1"));
        assertEquals(false, s.flags().get("amsgrad"));
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(s.parameterShapes().keySet()));

        AbstractOptimizer sgd = Sgd.momentum(0.9).lr(0.1).over(p);
        gradients(p, 0);
        sgd.step();
        assertEquals(List.of("0.weight.momentum_buffer", "0.bias.momentum_buffer"),
                List.copyOf(sgd.state().tensors().keySet()));
        // The first momentum buffer is the gradient itself.
        assertArrayEquals(p.get("0.bias").grad().toFloatArray(),
                sgd.state().tensors().get("0.bias.momentum_buffer").toFloatArray());
    }

    private static OptimizerState trainedAdamState() {
        Map<String, Tensor> p = model(1);
        AbstractOptimizer adam = Adam.lr(0.01).over(p);
        gradients(p, 0);
        adam.step();
        return adam.state();
    }

    private static String loadFailure(AbstractOptimizer target, OptimizerState state) {
        OptimizerState original = target.state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> target.load(state));
        assertEquals(original, target.state(), "a failed load changes nothing");
        return e.getMessage();
    }

    @Test
    void loadRefusesAParameterOfAnotherShapeNamingIt() {
        Map<String, Tensor> other = new LinkedHashMap<>(model(3));
        other.put("0.bias", param(new float[] {1, 2, 3, 4}, 4));
        String message = loadFailure(Adam.lr(0.01).over(other), trainedAdamState());
        assertTrue(message.contains("'0.bias'") && message.contains("[4]") && message.contains("[3]"), message);
    }

    @Test
    void loadRefusesMissingAndExtraParametersNamingThem() {
        Map<String, Tensor> renamed = new LinkedHashMap<>();
        Map<String, Tensor> m = model(3);
        renamed.put("0.weight", m.get("0.weight"));
        renamed.put("1.bias", m.get("0.bias"));
        String message = loadFailure(Adam.lr(0.01).over(renamed), trainedAdamState());
        assertTrue(message.contains("'1.bias'"), message);

        Map<String, Tensor> fewer = new LinkedHashMap<>();
        fewer.put("0.weight", model(3).get("0.weight"));
        message = loadFailure(Adam.lr(0.01).over(fewer), trainedAdamState());
        assertTrue(message.contains("'0.bias'"), message);
    }

    @Test
    void loadRefusesAnotherTypeOrOtherSettings() {
        String message = loadFailure(Sgd.lr(0.01).over(model(3)), trainedAdamState());
        assertTrue(message.contains("Adam") && message.contains("Sgd"), message);
        message = loadFailure(Adam.lr(0.01).betas(0.5, 0.999).over(model(3)), trainedAdamState());
        assertTrue(message.contains("beta1") && message.contains("0.9") && message.contains("0.5"), message);
        message = loadFailure(Adam.lr(0.01).amsgrad(true).over(model(3)), trainedAdamState());
        assertTrue(message.contains("amsgrad"), message);
    }

    @Test
    void loadRefusesMalformedStateTensorsNamingThem() {
        OptimizerState good = trainedAdamState();
        AbstractOptimizer target = Adam.lr(0.01).over(model(3));

        Map<String, StateTensor> wrongShape = new LinkedHashMap<>(good.tensors());
        wrongShape.put("0.weight.exp_avg_sq", StateTensor.of(new float[6], Shape.of(3, 2)));
        String message = loadFailure(target, withTensors(good, wrongShape));
        assertTrue(message.contains("'0.weight.exp_avg_sq'") && message.contains("[3, 2]"), message);

        Map<String, StateTensor> missing = new LinkedHashMap<>(good.tensors());
        missing.remove("0.bias.exp_avg");
        message = loadFailure(target, withTensors(good, missing));
        assertTrue(message.contains("'0.bias.exp_avg'"), message);

        Map<String, StateTensor> unknownSlot = new LinkedHashMap<>(good.tensors());
        unknownSlot.put("0.bias.momentum_buffer", StateTensor.of(new float[3], Shape.of(3)));
        message = loadFailure(target, withTensors(good, unknownSlot));
        assertTrue(message.contains("'0.bias.momentum_buffer'"), message);

        Map<String, StateTensor> unknownParameter = new LinkedHashMap<>(good.tensors());
        unknownParameter.put("2.weight.exp_avg", StateTensor.of(new float[3], Shape.of(3)));
        message = loadFailure(target, withTensors(good, unknownParameter));
        assertTrue(message.contains("'2.weight.exp_avg'"), message);

        Map<String, StateTensor> badStep = new LinkedHashMap<>(good.tensors());
        badStep.put("0.bias.step", StateTensor.scalar(1.5));
        message = loadFailure(target, withTensors(good, badStep));
        assertTrue(message.contains("'0.bias.step'"), message);
    }

    private static OptimizerState withTensors(OptimizerState s, Map<String, StateTensor> tensors) {
        return new OptimizerState(s.type(), s.hyperParameters(), s.flags(), s.steps(), s.parameterShapes(), tensors);
    }

    @Test
    void stateIsAnImmutableHostCopy() {
        Map<String, Tensor> p = model(1);
        AbstractOptimizer sgd = Sgd.momentum(0.9).lr(0.1).over(p);
        gradients(p, 0);
        sgd.step();
        OptimizerState s = sgd.state();
        float[] before = s.tensors().get("0.bias.momentum_buffer").toFloatArray();
        gradients(p, 1);
        sgd.step();
        assertArrayEquals(before, s.tensors().get("0.bias.momentum_buffer").toFloatArray(), "snapshot unchanged");
        assertThrows(UnsupportedOperationException.class, () -> s.tensors().clear());
        s.tensors().get("0.bias.momentum_buffer").toDoubleArray()[0] = 42;
        assertNotEquals(42.0, s.tensors().get("0.bias.momentum_buffer").toDoubleArray()[0]);
        assertFalse(s.tensors().isEmpty());
    }
}

package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.assertValues;
import static dev.fovea.core.optim.OptimTesting.param;
import static dev.fovea.core.optim.OptimTesting.setGrad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fovea.api.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Trajectories, schedules and clipping against PyTorch, from the fixture that
 * {@code reference/optim_reference.py} wrote (float64, so the comparison is tight).
 */
class OptimReferenceTest {
    private static final double TOL = 1e-12;
    private static final JsonObject REF = load();

    private static JsonObject load() {
        try (InputStream in = OptimReferenceTest.class.getResourceAsStream("/reference/optim_reference.json")) {
            assertNotNull(in, "reference/optim_reference.json is missing from the test resources");
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return JsonParser.parseReader(r).getAsJsonObject();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double[] doubles(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }

    private static double get(JsonObject settings, String name, double fallback) {
        return settings.has(name) ? settings.get(name).getAsDouble() : fallback;
    }

    private static boolean flag(JsonObject settings, String name) {
        return settings.has(name) && settings.get(name).getAsBoolean();
    }

    private static Function<Map<String, Tensor>, AbstractOptimizer> build(String type, JsonObject s) {
        switch (type) {
            case "Sgd":
                return params -> Sgd.lr(s.get("lr").getAsDouble()).momentum(get(s, "momentum", 0))
                        .dampening(get(s, "dampening", 0)).nesterov(flag(s, "nesterov"))
                        .weightDecay(get(s, "weight_decay", 0)).over(params);
            case "Adam":
                return params -> Adam.lr(s.get("lr").getAsDouble()).betas(get(s, "beta1", 0.9), get(s, "beta2", 0.999))
                        .eps(get(s, "eps", 1e-8)).weightDecay(get(s, "weight_decay", 0)).amsgrad(flag(s, "amsgrad"))
                        .over(params);
            case "AdamW":
                return params -> AdamW.lr(s.get("lr").getAsDouble()).betas(get(s, "beta1", 0.9), get(s, "beta2", 0.999))
                        .eps(get(s, "eps", 1e-8)).weightDecay(get(s, "weight_decay", 0.01)).amsgrad(flag(s, "amsgrad"))
                        .over(params);
            case "RmsProp":
                return params -> RmsProp.lr(s.get("lr").getAsDouble()).alpha(get(s, "alpha", 0.99))
                        .eps(get(s, "eps", 1e-8)).momentum(get(s, "momentum", 0)).centered(flag(s, "centered"))
                        .weightDecay(get(s, "weight_decay", 0)).over(params);
            default:
                throw new AssertionError("unknown optimizer type in the fixture: " + type);
        }
    }

    @TestFactory
    List<DynamicTest> optimizerTrajectoriesMatchPyTorch() {
        JsonObject optimizers = REF.getAsJsonObject("optimizers");
        assertFalse(optimizers.keySet().isEmpty());
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : optimizers.keySet()) {
            JsonObject case_ = optimizers.getAsJsonObject(name);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Tensor p = param(doubles(REF.get("p0")), 2, 3);
                Tensor b = param(doubles(REF.get("b0")), 3);
                Map<String, Tensor> params = new LinkedHashMap<>();
                params.put("p", p);
                params.put("b", b);
                AbstractOptimizer opt = build(case_.get("type").getAsString(), case_.getAsJsonObject("settings"))
                        .apply(params);
                JsonArray gp = REF.getAsJsonArray("grads_p");
                JsonArray gb = REF.getAsJsonArray("grads_b");
                JsonArray trajectory = case_.getAsJsonArray("trajectory");
                assertEquals(gp.size(), trajectory.size());
                for (int t = 0; t < trajectory.size(); t++) {
                    setGrad(p, doubles(gp.get(t)));
                    if (gb.get(t).isJsonNull()) {
                        b.zeroGrad();
                    } else {
                        setGrad(b, doubles(gb.get(t)));
                    }
                    opt.step();
                    JsonObject expected = trajectory.get(t).getAsJsonObject();
                    assertValues(doubles(expected.get("p")), p.toDoubleArray(), TOL, name + " p after step " + (t + 1));
                    assertValues(doubles(expected.get("b")), b.toDoubleArray(), TOL, name + " b after step " + (t + 1));
                }
            }));
        }
        return tests;
    }

    private static void assertSchedule(String key, LrScheduler scheduler) {
        double[] expected = doubles(REF.getAsJsonObject("schedulers").get(key));
        assertEquals(expected[0], scheduler.optimizer().learningRate(), TOL, key + " at step 0");
        for (int t = 1; t < expected.length; t++) {
            scheduler.step();
            assertEquals(expected[t], scheduler.optimizer().learningRate(), TOL, key + " at step " + t);
            assertEquals(expected[t], scheduler.lastLr(), TOL, key + " lastLr at step " + t);
        }
    }

    private static AbstractOptimizer sgd() {
        return Sgd.lr(0.1).over(List.of(param(new double[] {0}, 1)));
    }

    @Test
    void stepLrMatchesPyTorch() {
        assertSchedule("step_lr_2_0.1", StepLr.of(sgd(), 2, 0.1));
    }

    @Test
    void cosineAnnealingMatchesPyTorch() {
        assertSchedule("cosine_10_0.001", CosineAnnealingLr.of(sgd(), 10, 0.001));
    }

    @Test
    void warmupThenCosineMatchesPyTorchSequentialLr() {
        AbstractOptimizer opt = sgd();
        assertSchedule("warmup_4_0.1_cosine_6_0.001", LinearWarmup.of(opt, 4, 0.1, CosineAnnealingLr.of(opt, 6, 0.001)));
    }

    @Test
    void clipGradNormMatchesPyTorch() {
        for (JsonElement e : REF.getAsJsonArray("clip")) {
            JsonObject c = e.getAsJsonObject();
            JsonArray grads = c.getAsJsonArray("grads");
            List<Tensor> params = new ArrayList<>();
            for (JsonElement g : grads) {
                double[] values = doubles(g);
                Tensor p = param(new double[values.length], values.length);
                setGrad(p, values);
                params.add(p);
            }
            double norm = GradClip.clipByNorm(params, c.get("max_norm").getAsDouble());
            assertEquals(c.get("norm").getAsDouble(), norm, TOL);
            JsonArray clipped = c.getAsJsonArray("clipped");
            for (int i = 0; i < params.size(); i++) {
                assertValues(doubles(clipped.get(i)), params.get(i).grad().toDoubleArray(), TOL, "clipped grad " + i);
            }
        }
    }
}

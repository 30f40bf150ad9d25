package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.cpu;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Optimizer;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.Tensors;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each optimizer minimises f(w) = ||w - c||² (computed with autograd) down to c. */
class ConvergenceTest {
    private static final float[] C = {1.0f, -2.0f, 3.0f, 0.5f};

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("sgd", (Function<Map<String, Tensor>, Optimizer>) p -> Sgd.lr(0.1).over(p), 200),
                Arguments.of("sgd momentum", (Function<Map<String, Tensor>, Optimizer>)
                        p -> Sgd.momentum(0.9).lr(0.02).over(p), 300),
                Arguments.of("sgd nesterov", (Function<Map<String, Tensor>, Optimizer>)
                        p -> Sgd.momentum(0.9).lr(0.02).nesterov(true).over(p), 300),
                Arguments.of("adam", (Function<Map<String, Tensor>, Optimizer>) p -> Adam.lr(0.05).over(p), 1000),
                Arguments.of("adam amsgrad", (Function<Map<String, Tensor>, Optimizer>)
                        p -> Adam.lr(0.05).amsgrad(true).over(p), 1000),
                Arguments.of("adamw no decay", (Function<Map<String, Tensor>, Optimizer>)
                        p -> AdamW.lr(0.05).weightDecay(0).over(p), 1000),
                Arguments.of("rmsprop", (Function<Map<String, Tensor>, Optimizer>) p -> RmsProp.lr(0.01).over(p), 1000),
                Arguments.of("rmsprop centered momentum", (Function<Map<String, Tensor>, Optimizer>)
                        p -> RmsProp.lr(0.01).momentum(0.5).centered(true).over(p), 1000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void reachesTheMinimum(String name, Function<Map<String, Tensor>, Optimizer> make, int steps) {
        Tensor w = Tensors.zeros(cpu(), dev.fovea.api.DType.FLOAT32, dev.fovea.api.Shape.of(4)).requiresGrad(true);
        Tensor c = Tensors.of(cpu(), C, 4);
        Optimizer opt = make.apply(Map.of("w", w));
        // Adaptive methods take steps of about lr however small the gradient; decay the rate so they settle.
        LrScheduler schedule = CosineAnnealingLr.of(opt, steps, 0.0);
        for (int t = 0; t < steps; t++) {
            opt.zeroGrad();
            w.sub(c).square().sum().backward();
            opt.step();
            schedule.step();
        }
        float[] got = w.toFloatArray();
        for (int i = 0; i < C.length; i++) {
            assertTrue(Math.abs(got[i] - C[i]) < 1e-3, name + ": w[" + i + "] = " + got[i] + ", want " + C[i]);
        }
    }
}

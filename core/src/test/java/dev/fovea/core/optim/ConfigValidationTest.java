package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Hyper-parameters and parameters are validated where they are given, with messages that say what is wrong. */
class ConfigValidationTest {

    private static void assertRefused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message lacks '" + f + "': " + e.getMessage());
        }
    }

    @Test
    void badHyperParametersAreRefused() {
        assertRefused(() -> Sgd.lr(-0.1), "Sgd", "learning rate", "-0.1");
        assertRefused(() -> Sgd.lr(Double.NaN), "learning rate");
        assertRefused(() -> Sgd.momentum(1.5), "momentum", "[0, 1)");
        assertRefused(() -> Sgd.lr(0.1).weightDecay(-1), "weight decay");
        assertRefused(() -> Sgd.lr(0.1).dampening(2), "dampening");
        assertRefused(() -> Adam.betas(0.9, 1.0), "Adam", "beta2", "[0, 1)");
        assertRefused(() -> Adam.betas(-0.1, 0.9), "beta1");
        assertRefused(() -> Adam.lr(1e-3).eps(-1), "eps");
        assertRefused(() -> AdamW.weightDecay(-0.01), "AdamW", "weight decay");
        assertRefused(() -> RmsProp.lr(0.01).alpha(1.0), "RmsProp", "alpha");
        assertRefused(() -> RmsProp.lr(0.01).momentum(-0.5), "momentum");
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        Map<String, Tensor> p = Map.of("w", param(new double[] {1}, 1));
        assertRefused(() -> Sgd.lr(0.1).nesterov(true).over(p), "Nesterov", "momentum");
        assertRefused(() -> Sgd.momentum(0.9).dampening(0.1).nesterov(true).over(p), "Nesterov", "dampening");
        // Order of the setters does not matter, only the final config.
        Sgd ok = Sgd.lr(0.1).nesterov(true).momentum(0.9).over(p);
        assertTrue(ok.config().nesterov());
    }

    @Test
    void parametersAreValidated() {
        assertRefused(() -> Sgd.lr(0.1).over(Map.of()), "empty");
        Tensor leaf = param(new double[] {1, 2}, 2);
        Tensor computed = leaf.mul(2.0);
        assertRefused(() -> Adam.lr(0.1).over(Map.of("x", computed)), "'x'", "leaf");
        Tensor ints = dev.fovea.core.tensor.Tensors.ofInts(OptimTesting.cpu(), new int[] {1}, 1);
        assertRefused(() -> Adam.lr(0.1).over(Map.of("labels", ints)), "'labels'", "INT32");
        assertRefused(() -> Sgd.lr(0.1).over(Map.of("w", leaf)).setLearningRate(-1), "learning rate");
    }

    @Test
    void tiedParametersAreUpdatedOnceUnderTheirFirstName() {
        Tensor shared = param(new double[] {1.0}, 1);
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("encoder.weight", shared);
        p.put("decoder.weight", shared);
        AbstractOptimizer sgd = Sgd.lr(0.5).over(p);
        assertEquals(List.of("encoder.weight"), List.copyOf(sgd.namedParameters().keySet()));
        OptimTesting.setGrad(shared, new double[] {1.0});
        sgd.step();
        assertEquals(0.5, shared.item(), 0);
    }

    @Test
    void unnamedParametersAreNumbered() {
        Tensor a = param(new double[] {1}, 1);
        Tensor b = param(new double[] {2}, 1);
        AbstractOptimizer adam = Adam.lr(0.1).over(List.of(a, b));
        assertEquals(List.of("0", "1"), List.copyOf(adam.namedParameters().keySet()));
        assertEquals(List.of(a, b), adam.parameters());
    }
}

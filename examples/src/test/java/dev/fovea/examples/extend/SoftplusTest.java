package dev.fovea.examples.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.autograd.GradCheck;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.CustomFunction;
import dev.fovea.core.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Depth 2: a custom function with a hand-written backward, checked by the public gradient checker. */
class SoftplusTest {
    private final Device cpu = Devices.get("cpu");

    @Test
    void itsBackwardPassesTheGradientCheck() {
        Tensor x = Tensors.of(cpu, new double[] {-30, -4, -0.5, 0, 0.25, 3, 40}, 7).requiresGrad(true);
        GradCheck.Result r = GradCheck.assertGradients(in -> Softplus.apply(in.get(0)), List.of(x));
        assertTrue(r.passed(), r.describe());
        // also inside a larger expression, where the upstream gradient is not all ones
        Tensor w = Tensors.of(cpu, new double[] {0.3, -1.2, 2.0, 0.7}, 2, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> Softplus.apply(in.get(0).matmul(in.get(0))).mul(in.get(0)).sum(), List.of(w));
    }

    @Test
    void theGradientCheckCatchesAWrongBackward() {
        // a plausible slip: sigmoid(-x) instead of sigmoid(x)
        Tensor x = Tensors.of(cpu, new double[] {-2, 0.5, 1.5}, 3).requiresGrad(true);
        GradCheck.Result r = GradCheck.check(in -> CustomFunction.apply("softplus-wrong", in,
                        ins -> Softplus.forward(ins.get(0)),
                        (g, ins, out) -> List.of(g.mul(ins.get(0).neg().sigmoid()))),
                List.of(x));
        assertFalse(r.passed());
        assertTrue(r.describe().contains("MISMATCH"), r.describe());
        // worst at x = -2: |sigmoid(2) - sigmoid(-2)| = tanh(1)
        assertEquals(Math.tanh(1), r.inputs().get(0).maxAbsError(), 1e-6);
        assertEquals(0, r.inputs().get(0).worstElementIndex());
    }

    @Test
    void staysFiniteWhereTheNaiveFormulaOverflows() {
        float[] values = {1000, -1000, 0, 20};
        Tensor naiveX = Tensors.of(cpu, values, 4).requiresGrad(true);
        Tensor naive = naiveX.exp().add(1.0).log();
        naive.sum().backward();
        assertEquals(Float.POSITIVE_INFINITY, naive.toFloatArray()[0]);
        assertTrue(Float.isNaN(naiveX.grad().toFloatArray()[0]), "autograd through exp/log gives inf/inf");

        Tensor x = Tensors.of(cpu, values, 4).requiresGrad(true);
        Tensor y = Softplus.apply(x);
        y.sum().backward();
        assertArrayEquals(new float[] {1000, 0, (float) Math.log(2), (float) Math.log1p(Math.exp(20))},
                y.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 0, 0.5f, (float) (1 / (1 + Math.exp(-20)))}, x.grad().toFloatArray(), 1e-7f);
    }

    @Test
    void theNamedOpFallsBackToTheSameCompositeWithoutAKernel() {
        assertTrue(Softplus.OP.kernelFor("cpu").isEmpty(), "the examples ship no kernel for it");
        Tensor x = Tensors.of(cpu, new double[] {-3, 0.1, 7}, 3).requiresGrad(true);
        assertArrayEquals(Softplus.apply(x).toDoubleArray(), Softplus.OP.apply(x).toDoubleArray(), 0);
        GradCheck.assertGradients(in -> Softplus.OP.apply(in.get(0)), List.of(x));
    }
}

package dev.fovea.core.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Tensor;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.CustomFunction;
import dev.fovea.core.tensor.Tensors;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The gradient checker itself: it catches wrong backward rules, reports where, and leaves inputs alone. */
class GradCheckTest {
    private static Tensor param(double... values) {
        return Tensors.of(Devices.get("cpu"), values, values.length).requiresGrad(true);
    }

    /** y = x^2 whose backward claims 2x + 0.01: a small but real error. */
    private static final Function<List<Tensor>, Tensor> WRONG_SQUARE = in -> CustomFunction.apply("wrongSquare", in,
            v -> v.get(0).square(), (g, v, out) -> List.of(g.mul(v.get(0).mul(2.0).add(0.01))));

    @Test
    void detectsAWrongBackwardAndNamesInputElementAndValues() {
        Tensor x = param(0.5, -1.0, 2.0);
        GradCheck.Result result = GradCheck.check(WRONG_SQUARE, List.of(x));
        assertFalse(result.passed());
        GradCheck.InputResult r = result.inputs().get(0);
        assertFalse(r.passed());
        assertEquals(0.01, r.maxAbsError(), 1e-6);
        assertEquals(r.worstOutputIndex(), r.worstElementIndex(), "the Jacobian of an elementwise op is diagonal");
        double xAtWorst = x.toDoubleArray()[r.worstElementIndex()];
        assertEquals(2 * xAtWorst, r.numeric(), 1e-6);
        assertEquals(2 * xAtWorst + 0.01, r.analytic(), 1e-9);

        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertGradients(WRONG_SQUARE, List.of(x)));
        assertTrue(e.getMessage().contains("input 0"), e.getMessage());
        assertTrue(e.getMessage().contains("element " + r.worstElementIndex()), e.getMessage());
        assertTrue(e.getMessage().contains("numeric " + r.numeric()), e.getMessage());
        assertTrue(e.getMessage().contains("analytic " + r.analytic()), e.getMessage());
    }

    @Test
    void detectsAGradientSentToTheWrongElement() {
        // forward: x reversed; backward: passes the gradient through unreversed
        Function<List<Tensor>, Tensor> wrong = in -> CustomFunction.apply("wrongReverse", in,
                v -> Tensors.concat(0, List.of(v.get(0).slice(0, 1, 2), v.get(0).slice(0, 0, 1))),
                (g, v, out) -> List.of(g));
        assertFalse(GradCheck.check(wrong, List.of(param(1.0, 2.0))).passed());
    }

    @Test
    void passesACorrectFunctionAndReportsEveryCheckedInput() {
        Tensor a = param(0.3, -0.7);
        Tensor b = param(1.5, 2.5).detach(); // not checked
        Tensor c = param(0.1, 0.2);
        GradCheck.Result result = GradCheck.check(in -> in.get(0).mul(in.get(1)).add(in.get(2).exp()), List.of(a, b, c));
        assertTrue(result.passed(), result.describe());
        assertEquals(2, result.inputs().size());
        assertEquals(0, result.inputs().get(0).inputIndex());
        assertEquals(2, result.inputs().get(1).inputIndex());
        assertTrue(result.inputs().get(0).maxAbsError() < 1e-7);
    }

    @Test
    void leavesTheCallersInputsUntouched() {
        Tensor x = param(0.5, 1.5, -2.0);
        GradCheck.assertGradients(in -> in.get(0).square().sum(), List.of(x));
        assertNull(x.grad(), "the check must not accumulate into the caller's gradient");
        assertArrayEquals(new double[] {0.5, 1.5, -2.0}, x.toDoubleArray());
        assertTrue(x.requiresGrad());
    }

    @Test
    void rejectsFloat32Inputs() {
        Tensor x = Tensors.of(Devices.get("cpu"), new float[] {1, 2}, 2).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(in -> in.get(0).sum(), List.of(x)));
        assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
    }

    @Test
    void rejectsInputsWithoutGradient() {
        Tensor x = param(1, 2).detach();
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(in -> in.get(0).sum(), List.of(x)));
    }

    @Test
    void toleranceOptionsAreUsed() {
        Tensor x = param(0.5, -1.0);
        GradCheck.Options loose = GradCheck.Options.defaults().withAtol(0.1);
        assertTrue(GradCheck.check(WRONG_SQUARE, List.of(x), loose).passed());
        assertEquals(1e-6, GradCheck.Options.defaults().eps());
        assertEquals(1e-5, GradCheck.Options.defaults().atol());
        assertEquals(1e-3, GradCheck.Options.defaults().rtol());
    }
}

package dev.fovea.core.tensor;

import static dev.fovea.core.tensor.TestData.assertValues;
import static dev.fovea.core.tensor.TestData.cpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.BackendRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Semantics of the dynamic graph: accumulation, scopes, detach, graph freeing, errors. */
class AutogradTest {

    private static Tensor param(double... values) {
        return Tensors.of(cpu(), values, values.length).requiresGrad(true);
    }

    @Test
    void gradientsAccumulateOverBackwardCallsUntilZeroed() {
        Tensor x = param(1, 2, 3);
        x.mul(3.0).sum().backward();
        assertValues(new double[] {3, 3, 3}, x.grad(), 0);
        x.mul(x).sum().backward();
        assertValues(new double[] {5, 7, 9}, x.grad(), 1e-12);
        assertFalse(x.grad().requiresGrad(), "a gradient is a plain tensor");
        assertTrue(x.grad().isLeaf());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = param(2);
        Tensor y = x.mul(x).add(x.exp()); // dy/dx = 2x + e^x
        y.sum().backward();
        assertValues(new double[] {4 + Math.exp(2)}, x.grad(), 1e-12);
    }

    @Test
    void aLinearLayersWeightGradientComesBackContiguousWithTheRightValues() {
        // y = x . w^T as a Linear layer computes it; dL/dw = g^T . x with g = 1
        Tensor x = Tensors.of(cpu(), new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor w = Tensors.of(cpu(), new double[] {1, 0, -1, 2, 1, 0.5, 0, 3, -2, 1, 1, 1}, 4, 3).requiresGrad(true);
        x.matmul(w.transpose(0, 1)).sum().backward();
        assertEquals(Shape.of(4, 3), w.grad().shape());
        // every row of g^T . x is the column sums of x
        assertValues(new double[] {5, 7, 9, 5, 7, 9, 5, 7, 9, 5, 7, 9}, w.grad(), 0);
        assertTrue(((DenseTensor) w.grad()).isContiguous(),
                "the gradient of a transposed right operand is computed in its layout, not copied");
        Tensor v = Tensors.of(cpu(), new double[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        x.matmul(v).mul(Tensors.of(cpu(), new double[] {1, 2, 3, 4}, 2, 2)).sum().backward();
        // dL/dv = x^T . g, g = [[1, 2], [3, 4]]
        assertValues(new double[] {13, 18, 17, 24, 21, 30}, v.grad(), 0);
    }

    @Test
    void broadcastGradientsAreSummedToTheOperandShape() {
        Tensor a = Tensors.of(cpu(), new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor b = param(10, 20, 30);
        Tensor s = Tensors.scalar(cpu(), 2.0, DType.FLOAT64).requiresGrad(true);
        a.add(b).mul(s).sum().backward();
        assertEquals(Shape.of(3), b.grad().shape());
        assertValues(new double[] {4, 4, 4}, b.grad(), 0);
        assertEquals(Shape.scalar(), s.grad().shape());
        assertValues(new double[] {21 + 2 * 60}, s.grad(), 1e-12);
    }

    @Test
    void noGradScopesRecordNothingAndNest() {
        Tensor x = param(1, 2);
        try (NoGrad outer = NoGrad.enter()) {
            try (NoGrad inner = NoGrad.enter()) {
                assertTrue(NoGrad.isActive());
            }
            assertTrue(NoGrad.isActive(), "still inside the outer scope");
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
        }
        assertFalse(NoGrad.isActive());
        Tensor z = NoGrad.run(() -> x.exp());
        assertFalse(z.requiresGrad());
        assertTrue(x.mul(2.0).requiresGrad(), "recording resumes after the scope");
    }

    @Test
    void detachCutsTheGraphButSharesMemory() {
        Tensor x = param(3);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(((DenseTensor) d).sharesStorageWith(x));
        x.mul(d).sum().backward(); // d/dx (x * const) = const
        assertValues(new double[] {3}, x.grad(), 0);
    }

    @Test
    void secondBackwardThroughAFreedGraphFailsClearly() {
        Tensor x = param(1, 2);
        Tensor loss = x.mul(x).sum();
        loss.backward(Tensors.scalar(cpu(), 1.0, DType.FLOAT64), true);
        loss.backward(); // allowed: the graph was retained; this one frees it
        assertValues(new double[] {4, 8}, x.grad(), 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("retainGraph"), e.getMessage());
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void backwardWithoutArgumentsNeedsAScalar() {
        Tensor x = param(1, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        Tensor y = x.mul(2.0);
        y.backward(Tensors.of(cpu(), new double[] {1, 10}, 2), false);
        assertValues(new double[] {2, 20}, x.grad(), 0);
        assertThrows(IllegalArgumentException.class,
                () -> x.mul(2.0).backward(Tensors.of(cpu(), new double[] {1, 2, 3}, 3), false));
    }

    @Test
    void reluGradientIsZeroWhereTheInputIsNotPositiveEvenForANanOrInfiniteGradient() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        double[] x = {-2, -0.0, 0, nan, -inf, 0.5, 3, 2, inf, 1e-30};
        double[] g = {nan, inf, -inf, nan, nan, -1.5, nan, inf, 4, -inf};
        double[] expected = {0, 0, 0, 0, 0, -1.5, nan, inf, 4, -inf};
        for (DType type : List.of(DType.FLOAT32, DType.FLOAT64)) {
            CountingBackend counting = new CountingBackend(cpu().backend());
            BackendDevice device = new BackendDevice(counting);
            Tensor input = Tensors.of(device, x, x.length).to(type).requiresGrad(true);
            Tensor y = input.relu();
            Tensor gradient = Tensors.of(device, g, g.length).to(type);
            counting.reset();
            y.backward(gradient, false);
            assertEquals(1, counting.count("binary"), "relu's backward is one kernel");
            assertEquals(0, counting.count("fill"), "and needs no constant");
            double[] got = input.grad().toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                String what = type + " relu'(" + x[i] + ") * " + g[i] + " = " + got[i];
                if (Double.isNaN(expected[i])) {
                    assertTrue(Double.isNaN(got[i]), what);
                } else {
                    assertEquals(expected[i], got[i], 0, what);
                }
            }
        }
    }

    @Test
    void backwardNeedsSomethingThatRequiresGrad() {
        Tensor x = Tensors.of(cpu(), new double[] {1, 2}, 2);
        assertThrows(IllegalStateException.class, () -> x.sum().backward());
    }

    @Test
    void requiresGradOnlyOnFloatingPointLeaves() {
        Tensor x = param(1, 2);
        Tensor y = x.mul(2.0);
        assertFalse(y.isLeaf());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(true));
        assertTrue(e.getMessage().contains("leaf"), e.getMessage());
        Tensor labels = Tensors.ofInts(cpu(), new int[] {1, 2}, 2);
        assertThrows(IllegalStateException.class, () -> labels.requiresGrad(true));
        assertTrue(y.detach().requiresGrad(true).requiresGrad());
    }

    @Test
    void onlyLeavesGetGradients() {
        Tensor x = param(1, 2);
        Tensor hidden = x.mul(2.0);
        hidden.sum().backward();
        assertNull(hidden.grad());
        assertValues(new double[] {2, 2}, x.grad(), 0);
    }

    @Test
    void gradientsOfViewsFlowToTheBase() {
        Tensor base = Tensors.of(cpu(), new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor view = base.transpose(0, 1).slice(0, 1, 3).unsqueeze(0); // [1, 2, 2]: columns 1 and 2
        assertTrue(((DenseTensor) view).sharesStorageWith(base));
        Tensor w = Tensors.of(cpu(), new double[] {10, 20, 30, 40}, 1, 2, 2);
        view.mul(w).sum().backward();
        // view[0][i][j] = base[j][1 + i]
        assertValues(new double[] {0, 10, 30, 0, 20, 40}, base.grad(), 0);
        assertEquals(Shape.of(2, 3), base.grad().shape());
    }

    @Test
    void maximumSplitsTiesEvenly() {
        Tensor a = param(1, 5, 3);
        Tensor b = param(2, 5, 1);
        a.maximum(b).sum().backward();
        assertValues(new double[] {0, 0.5, 1}, a.grad(), 0);
        assertValues(new double[] {1, 0.5, 0}, b.grad(), 0);
    }

    @Test
    void maxSendsTheGradientToTheFirstMaximum() {
        Tensor x = Tensors.of(cpu(), new double[] {1, 3, 3, 7, 7, 2}, 2, 3).requiresGrad(true);
        x.max(1, false).sum().backward();
        assertValues(new double[] {0, 1, 0, 1, 0, 0}, x.grad(), 0);
        x.zeroGrad();
        x.max().backward();
        assertValues(new double[] {0, 0, 0, 1, 0, 0}, x.grad(), 0);
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = param(1);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(1.0);
        }
        y.sum().backward();
        assertValues(new double[] {1}, x.grad(), 0);
    }

    @Test
    void conversionBetweenFloatTypesIsDifferentiable() {
        Tensor x = param(1.5, -2);
        Tensor y = x.to(DType.FLOAT32).mul(3.0).sum();
        assertEquals(DType.FLOAT32, y.dtype());
        y.backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        assertValues(new double[] {3, 3}, x.grad(), 0);
    }

    @Test
    void transfersBetweenDevicesAreDifferentiableAndMixingDevicesFails() {
        try (BackendRegistry other = BackendRegistry.of(
                ServiceLoader.load(dev.fovea.api.backend.BackendProvider.class).stream()
                        .map(ServiceLoader.Provider::get).toList(),
                k -> null, k -> null)) {
            BackendDevice second = (BackendDevice) other.get("cpu");
            Tensor x = param(1, 2);
            Tensor moved = x.to(second);
            assertSame(second, moved.device());
            moved.mul(4.0).sum().backward();
            assertSame(cpu(), x.grad().device());
            assertValues(new double[] {4, 4}, x.grad(), 0);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.mul(moved));
            assertTrue(e.getMessage().startsWith("mul:"), e.getMessage());
            assertTrue(e.getMessage().contains("different devices"), e.getMessage());
        }
    }

    @Test
    void mixedDtypesAreRejectedNamingOpAndTypes() {
        Tensor a = Tensors.of(cpu(), new float[] {1, 2}, 2);
        Tensor b = Tensors.of(cpu(), new double[] {1, 2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add"), e.getMessage());
        assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
    }

    @Test
    void shapeMismatchNamesOpAndShapes() {
        Tensor a = Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(2, 3));
        Tensor b = Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.sub(b));
        assertTrue(e.getMessage().contains("sub") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4]"), e.getMessage());
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
                () -> a.matmul(Tensors.zeros(cpu(), DType.FLOAT32, Shape.of(2, 3))));
        assertTrue(m.getMessage().contains("matmul") && m.getMessage().contains("[2, 3]"), m.getMessage());
    }

    @Test
    void customFunctionsUseTheirOwnBackward() {
        Tensor x = param(2, -1);
        Tensor y = CustomFunction.apply("cube", List.of(x), in -> in.get(0).pow(3.0),
                (g, in, out) -> Arrays.asList(g.mul(in.get(0).square()).mul(3.0)));
        assertFalse(y.isLeaf());
        assertValues(new double[] {8, -1}, y, 1e-12);
        y.sum().backward();
        assertValues(new double[] {12, 3}, x.grad(), 1e-12);
    }

    @Test
    void convolutionSkipsGradientsNobodyNeeds() {
        CountingBackend counting = new CountingBackend(cpu().backend());
        BackendDevice device = new BackendDevice(counting);
        Tensor images = Tensors.of(device, TestData.values(1, 2 * 1 * 5 * 5, -1, 1), 2, 1, 5, 5);
        Tensor w1 = Tensors.of(device, TestData.values(2, 3 * 1 * 3 * 3, -1, 1), 3, 1, 3, 3).requiresGrad(true);
        Tensor w2 = Tensors.of(device, TestData.values(3, 2 * 3 * 3 * 3, -1, 1), 2, 3, 3, 3).requiresGrad(true);
        Tensor hidden = Functional.conv2d(images, w1, null, ConvSpec.of(1, 1, 1, 1)).relu();
        Tensor out = Functional.conv2d(hidden, w2, null, ConvSpec.of(1, 1, 1, 1));
        counting.reset();
        out.sum().backward();
        assertEquals(2, counting.count("conv2dBackwardWeights"));
        assertEquals(1, counting.count("conv2dBackwardData"), "only the second layer needs a data gradient");
        assertEquals(0, counting.count("upload"), "backward must not copy from the host");
        assertEquals(0, counting.count("download"), "backward must not copy to the host");
    }

    @Test
    void scalarOperandsAreFilledOnTheDeviceNotUploaded() {
        CountingBackend counting = new CountingBackend(cpu().backend());
        BackendDevice device = new BackendDevice(counting);
        Tensor x = Tensors.of(device, new float[] {1, 2, 3}, 3);
        counting.reset();
        Tensor y = x.mul(2.0).add(1.0).div(4.0).sub(0.5).pow(2.0).clamp(0, 10);
        assertEquals(0, counting.count("upload"));
        assertValues(new double[] {0.0625, 0.5625, 1.5625}, y, 1e-6);
    }

    @Test
    void intTensorsRefuseArithmeticWithAHint() {
        Tensor labels = Tensors.ofInts(cpu(), new int[] {1, 2, 3}, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> labels.mul(2.0));
        assertTrue(e.getMessage().contains("to(DType.FLOAT32)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, labels::sum);
        assertThrows(IllegalArgumentException.class, labels::exp);
        List<Tensor> ok = new ArrayList<>();
        ok.add(labels.reshape(3, 1).transpose(0, 1));
        ok.add(labels.to(DType.FLOAT32).mul(2.0));
        assertValues(new double[] {1, 2, 3}, ok.get(0), 0);
        assertValues(new double[] {2, 4, 6}, ok.get(1), 0);
    }
}

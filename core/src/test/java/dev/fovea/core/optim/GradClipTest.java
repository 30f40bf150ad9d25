package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.assertValues;
import static dev.fovea.core.optim.OptimTesting.param;
import static dev.fovea.core.optim.OptimTesting.setGrad;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.DenseTensor;
import dev.fovea.core.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradClipTest {

    @Test
    void normFiveIsClippedToOneKeepingTheDirection() {
        Tensor a = param(new double[] {0, 0}, 2);
        Tensor b = param(new double[] {0}, 1);
        setGrad(a, new double[] {3, 0});
        setGrad(b, new double[] {-4});
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        double norm = GradClip.clipByNorm(params, 1.0);
        assertEquals(5.0, norm, 1e-15);
        double scale = 1.0 / (5.0 + 1e-6);
        assertValues(new double[] {3 * scale, 0}, a.grad(), 1e-15);
        assertValues(new double[] {-4 * scale}, b.grad(), 1e-15);
        double[] ga = a.grad().toDoubleArray();
        double[] gb = b.grad().toDoubleArray();
        assertEquals(1.0, Math.sqrt(ga[0] * ga[0] + ga[1] * ga[1] + gb[0] * gb[0]), 1e-6, "the new norm is maxNorm");
        assertEquals(-0.75, ga[0] / gb[0], 1e-15, "the direction is kept");
    }

    @Test
    void smallGradientsAndParametersWithoutOneAreLeftAlone() {
        Tensor a = param(new float[] {1, 2}, 2);
        Tensor none = param(new float[] {3}, 1);
        setGrad(a, new double[] {0.3, 0.4});
        double norm = GradClip.clipByNorm(List.of(a, none), 1.0);
        assertEquals(0.5, norm, 1e-7);
        assertValues(new double[] {0.3f, 0.4f}, a.grad(), 0);
        assertNull(none.grad());
        assertEquals(0.0, GradClip.clipByNorm(List.of(none), 1.0), "no gradients, norm 0");
    }

    @Test
    void nonFiniteNormIsReturnedAndNothingIsScaled() {
        Tensor a = param(new double[] {0, 0}, 2);
        Tensor b = param(new double[] {0}, 1);
        setGrad(a, new double[] {3, Double.POSITIVE_INFINITY});
        setGrad(b, new double[] {100});
        double norm = GradClip.clipByNorm(List.of(a, b), 1.0);
        assertTrue(Double.isInfinite(norm), "norm " + norm);
        assertValues(new double[] {100}, b.grad(), 0);
        setGrad(a, new double[] {Double.NaN, 1});
        assertTrue(Double.isNaN(GradClip.clipByNorm(List.of(a, b), 1.0)));
        assertValues(new double[] {100}, b.grad(), 0);
    }

    @Test
    void clipByValueClampsEachElement() {
        Tensor a = param(new double[] {0, 0, 0}, 3);
        setGrad(a, new double[] {-2, 0.5, 7});
        GradClip.clipByValue(List.of(a), 1.0);
        assertValues(new double[] {-1, 0.5, 1}, a.grad(), 0);
    }

    @Test
    void badThresholdsAreRefused() {
        Tensor a = param(new double[] {0}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipByNorm(List.of(a), 0));
        assertTrue(e.getMessage().contains("maxNorm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GradClip.clipByValue(List.of(a), Double.NaN));
        assertTrue(e.getMessage().contains("clipValue"), e.getMessage());
    }

    @Test
    void gradientsThatShareMemoryAreScaledExactlyOnce() {
        // z = a + b: backward hands both leaves the same upstream gradient tensor
        Tensor a = param(new double[] {0, 0}, 2);
        Tensor b = param(new double[] {0, 0}, 2);
        a.add(b).mul(Tensors.of(a.device(), new double[] {3, 4}, 2)).sum().backward();
        assertTrue(((DenseTensor) a.grad()).sharesStorageWith(b.grad()), "the case this test is about");
        double norm = GradClip.clipByNorm(List.of(a, b), 5.0 / Math.sqrt(2));
        assertEquals(5 * Math.sqrt(2), norm, 1e-12);
        double scale = (5.0 / Math.sqrt(2)) / (5 * Math.sqrt(2) + 1e-6);
        assertValues(new double[] {3 * scale, 4 * scale}, a.grad(), 1e-12);
        assertValues(new double[] {3 * scale, 4 * scale}, b.grad(), 1e-12);
    }

    @Test
    void onDeviceVariantReturnsTheNormAsATensorAndNullWithoutGradients() {
        Tensor a = param(new double[] {0, 0}, 2);
        Tensor none = param(new double[] {1}, 1);
        setGrad(a, new double[] {6, 8});
        try (Tensor norm = GradClip.clipByNormOnDevice(List.of(a, none), 5.0)) {
            assertEquals(10.0, norm.item(), 1e-12);
        }
        double scale = 5.0 / (10.0 + 1e-6);
        assertValues(new double[] {6 * scale, 8 * scale}, a.grad(), 1e-12);
        assertNull(GradClip.clipByNormOnDevice(List.of(none), 1.0));
    }
}

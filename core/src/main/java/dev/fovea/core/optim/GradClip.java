package dev.fovea.core.optim;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Gradient clipping, applied between {@code loss.backward()} and {@code optimizer.step()}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipByNorm(model.parameters(), 1.0);
 * optimizer.step();
 * }</pre>
 *
 * Parameters without a gradient are ignored. Gradients are rescaled in place on their device.
 */
public final class GradClip {
    private GradClip() {}

    /** {@link #clipByNorm(Iterable, double)} over a model's named parameters. */
    public static double clipByNorm(Map<String, ? extends Tensor> parameters, double maxNorm) {
        Objects.requireNonNull(parameters, "parameters");
        return clipByNorm(parameters.values(), maxNorm);
    }

    /**
     * Rescales the gradients so that their total L2 norm (all gradients seen as one vector) is at most
     * {@code maxNorm}, as PyTorch's {@code clip_grad_norm_}: when
     * {@code maxNorm / (norm + 1e-6) < 1} every gradient is multiplied by that factor, which keeps the
     * direction. The norm is reduced on the device; one scalar per device is downloaded.
     *
     * @return the total norm <em>before</em> clipping (0 when no parameter has a gradient); when it is
     *     NaN or infinite the gradients are left untouched and the caller decides (skip the step,
     *     stop training)
     * @throws IllegalArgumentException if {@code maxNorm} is not a finite number > 0
     */
    @SuppressWarnings("try") // the scope brackets the kernels
    public static double clipByNorm(Iterable<? extends Tensor> parameters, double maxNorm) {
        Checks.positive("GradClip.clipByNorm", "maxNorm", maxNorm);
        List<Tensor> grads = gradients(parameters);
        if (grads.isEmpty()) {
            return 0.0;
        }
        List<Tensor> temporaries = new ArrayList<>();
        try (NoGrad scope = NoGrad.enter()) {
            // Sum of squares per device, accumulated in FLOAT64 on that device.
            Map<Device, Tensor> perDevice = new LinkedHashMap<>();
            for (Tensor g : grads) {
                Tensor squares = keep(temporaries, g.square());
                Tensor sum = keep(temporaries, squares.sum());
                Tensor wide = sum.dtype() == DType.FLOAT64 ? sum : keep(temporaries, sum.to(DType.FLOAT64));
                perDevice.merge(g.device(), wide, (a, b) -> keep(temporaries, a.add(b)));
            }
            double sumOfSquares = 0;
            for (Tensor partial : perDevice.values()) {
                sumOfSquares += partial.item();
            }
            double norm = Math.sqrt(sumOfSquares);
            if (!Double.isFinite(norm)) {
                return norm;
            }
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1.0) {
                for (Tensor g : grads) {
                    g.assign(keep(temporaries, g.mul(coefficient)));
                }
            }
            return norm;
        } finally {
            for (Tensor t : temporaries) {
                t.close();
            }
        }
    }

    /** {@link #clipByValue(Iterable, double)} over a model's named parameters. */
    public static void clipByValue(Map<String, ? extends Tensor> parameters, double clipValue) {
        Objects.requireNonNull(parameters, "parameters");
        clipByValue(parameters.values(), clipValue);
    }

    /**
     * Clamps every gradient element to {@code [-clipValue, clipValue]} in place, as PyTorch's
     * {@code clip_grad_value_}.
     *
     * @throws IllegalArgumentException if {@code clipValue} is not a finite number > 0
     */
    @SuppressWarnings("try") // the scope brackets the kernels
    public static void clipByValue(Iterable<? extends Tensor> parameters, double clipValue) {
        Checks.positive("GradClip.clipByValue", "clipValue", clipValue);
        try (NoGrad scope = NoGrad.enter()) {
            for (Tensor g : gradients(parameters)) {
                try (Tensor clamped = g.clamp(-clipValue, clipValue)) {
                    g.assign(clamped);
                }
            }
        }
    }

    private static <T extends Tensor> T keep(List<Tensor> temporaries, T t) {
        temporaries.add(t);
        return t;
    }

    /** The distinct non-null gradients of the distinct parameters. */
    private static List<Tensor> gradients(Iterable<? extends Tensor> parameters) {
        Objects.requireNonNull(parameters, "parameters");
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            Objects.requireNonNull(p, "parameter");
            Tensor g = p.grad();
            if (g != null && seen.add(p)) {
                grads.add(g);
            }
        }
        return grads;
    }
}

package dev.fovea.core.optim;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
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
     * direction. Everything runs on the device; the one scalar downloaded is the returned norm (use
     * {@link #clipByNormOnDevice} to avoid even that).
     *
     * @return the total norm <em>before</em> clipping (0 when no parameter has a gradient); when it is
     *     NaN or infinite the gradients are left untouched and the caller decides (skip the step,
     *     stop training)
     * @throws IllegalArgumentException if {@code maxNorm} is not a finite number > 0
     */
    public static double clipByNorm(Iterable<? extends Tensor> parameters, double maxNorm) {
        try (Tensor norm = clipByNormOnDevice(parameters, maxNorm)) {
            return norm == null ? 0.0 : norm.item();
        }
    }

    /** {@link #clipByNormOnDevice(Iterable, double)} over a model's named parameters. */
    public static Tensor clipByNormOnDevice(Map<String, ? extends Tensor> parameters, double maxNorm) {
        Objects.requireNonNull(parameters, "parameters");
        return clipByNormOnDevice(parameters.values(), maxNorm);
    }

    /**
     * {@link #clipByNorm(Iterable, double)} without any host transfer: the decision to scale is made
     * on the device (the factor is {@code min(1, maxNorm / (norm + 1e-6))}, or 1 when the norm is not
     * finite), so a training step on an accelerator stays on it.
     *
     * @return the norm before clipping as a FLOAT64 scalar on the first gradient's device (the caller
     *     closes it), or {@code null} when no parameter has a gradient
     * @throws IllegalArgumentException if {@code maxNorm} is not a finite number > 0
     */
    @SuppressWarnings("try") // the scope brackets the kernels
    public static Tensor clipByNormOnDevice(Iterable<? extends Tensor> parameters, double maxNorm) {
        Checks.positive("GradClip.clipByNorm", "maxNorm", maxNorm);
        List<Tensor> grads = gradients(parameters);
        if (grads.isEmpty()) {
            return null;
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
            Device home = grads.get(0).device();
            Tensor sumOfSquares = null;
            for (Tensor partial : perDevice.values()) {
                Tensor here = partial.device().equals(home) ? partial : keep(temporaries, partial.to(home));
                sumOfSquares = sumOfSquares == null ? here : keep(temporaries, sumOfSquares.add(here));
            }
            Tensor norm = sumOfSquares.sqrt();
            // factor = min(1, maxNorm / (norm + 1e-6)) where the norm is finite, else 1 (leave the gradients be)
            Tensor finite = keep(temporaries, norm.sub(norm).eq(keep(temporaries, Tensors.zerosLike(norm))));
            Tensor ratio = keep(temporaries, keep(temporaries, norm.add(1e-6)).reciprocal().mul(maxNorm));
            Tensor one = keep(temporaries, Tensors.onesLike(norm));
            Tensor clamped = keep(temporaries, ratio.minimum(one));
            Tensor factor = keep(temporaries, Tensors.where(finite, clamped, one));
            // Every scaled gradient is computed before any is written: two parameters' gradients may
            // share memory (the gradient of a + b), and each must be scaled exactly once.
            List<Tensor> scaled = new ArrayList<>(grads.size());
            for (Tensor g : grads) {
                Tensor f = factor.device().equals(g.device()) ? factor : keep(temporaries, factor.to(g.device()));
                Tensor typed = f.dtype() == g.dtype() ? f : keep(temporaries, f.to(g.dtype()));
                scaled.add(keep(temporaries, g.mul(typed)));
            }
            for (int i = 0; i < grads.size(); i++) {
                grads.get(i).assign(scaled.get(i));
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

package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import dev.fovea.api.DType;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping by global L2 norm, like {@code torch.nn.utils.clip_grad_norm_}: when the norm of
 * all gradients taken together exceeds {@code maxNorm}, every gradient is scaled by
 * {@code maxNorm / norm}, which keeps their direction. Runs on the gradients' device without copying
 * anything to the host.
 */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Scales the gradients of {@code parameters} in place so that their global L2 norm is at most
     * {@code maxNorm}; parameters without a gradient are skipped.
     *
     * @return the global norm before clipping, as a one-element tensor on the gradients' device (the
     *     caller closes it), or {@code null} when no parameter has a gradient
     * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
     */
    @SuppressWarnings("try") // the scope only brackets the body
    public static Tensor clipByGlobalNorm(Iterable<? extends Tensor> parameters, double maxNorm) {
        Preconditions.checkNotNull(parameters, "parameters");
        Preconditions.checkArgument(maxNorm > 0 && Double.isFinite(maxNorm),
                "gradient clipping: maxNorm must be positive and finite, got %s", maxNorm);
        List<Tensor> grads = new ArrayList<>();
        for (Tensor p : parameters) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        if (grads.isEmpty()) {
            return null;
        }
        try (NoGrad scope = NoGrad.enter()) {
            DType dtype = grads.get(0).dtype();
            Tensor squares = null;
            for (Tensor g : grads) {
                Tensor same = g.to(dtype);
                Tensor sq = same.square();
                Tensor s = sq.sum();
                sq.close();
                if (same != g) {
                    same.close();
                }
                if (squares == null) {
                    squares = s;
                } else {
                    Tensor total = squares.add(s);
                    squares.close();
                    s.close();
                    squares = total;
                }
            }
            Tensor norm = squares.sqrt();
            squares.close();
            // scale = maxNorm / max(norm, maxNorm): exactly 1 when the norm is within bounds
            Tensor limit = Tensors.scalar(norm.device(), maxNorm, dtype);
            Tensor denominator = norm.maximum(limit);
            Tensor scale = limit.div(denominator);
            limit.close();
            denominator.close();
            // All scaled values are computed before any is written back: gradients may share memory.
            List<Tensor> scaled = new ArrayList<>(grads.size());
            for (Tensor g : grads) {
                Tensor s = scale.to(g.dtype());
                scaled.add(g.mul(s));
                if (s != scale) {
                    s.close();
                }
            }
            scale.close();
            for (int i = 0; i < grads.size(); i++) {
                grads.get(i).assign(scaled.get(i));
                scaled.get(i).close();
            }
            return norm;
        }
    }
}

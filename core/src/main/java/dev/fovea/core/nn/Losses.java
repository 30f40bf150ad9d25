package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.TensorScope;
import dev.fovea.core.tensor.Tensors;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loss functions with PyTorch's semantics. Each returns a scalar (mean reduction) unless given a
 * {@link Reduction}; all are differentiable in their prediction argument (and in float targets).
 *
 * <pre>{@code
 * Tensor loss = Losses.crossEntropy(model.forward(images), labels);        // labels INT32 [N]
 * Tensor smooth = Losses.crossEntropy(logits, labels, 0.1);                // label smoothing
 * Tensor bce = Losses.binaryCrossEntropyWithLogits(logits, targets);
 * }</pre>
 *
 * <p>Everything is computed on the tensors' device; class labels are turned into one-hot rows there
 * (a comparison with an index row), without copying the batch to the host.
 */
public final class Losses {
    private Losses() {}

    // ---- Regression ------------------------------------------------------------------------------

    /** Mean squared error {@code mean((pred - target)^2)}; shapes must be equal. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return mse(prediction, target, Reduction.MEAN);
    }

    /** Squared error {@code (pred - target)^2}, reduced as asked. */
    public static Tensor mse(Tensor prediction, Tensor target, Reduction reduction) {
        checkSameShape("mse", prediction, target);
        return reduce(prediction.sub(target).square(), reduction);
    }

    /** Mean absolute error {@code mean(|pred - target|)}; shapes must be equal. */
    public static Tensor l1(Tensor prediction, Tensor target) {
        return l1(prediction, target, Reduction.MEAN);
    }

    /** Absolute error {@code |pred - target|}, reduced as asked. */
    public static Tensor l1(Tensor prediction, Tensor target, Reduction reduction) {
        checkSameShape("l1", prediction, target);
        return reduce(prediction.sub(target).abs(), reduction);
    }

    // ---- Classification ------------------------------------------------------------------------

    /**
     * Cross-entropy from logits, mean over the batch. See
     * {@link #crossEntropy(Tensor, Tensor, double, Reduction)}.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, 0.0, Reduction.MEAN);
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        return crossEntropy(logits, target, 0.0, reduction);
    }

    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing) {
        return crossEntropy(logits, target, labelSmoothing, Reduction.MEAN);
    }

    /**
     * Cross-entropy from unnormalised logits, as PyTorch's {@code F.cross_entropy}, computed through
     * {@code logSoftmax} so that large logits (1e4) stay finite.
     *
     * <ul>
     *   <li>{@code logits [N, C]} (or {@code [N, C, d1, ...]}, or unbatched {@code [C]}), classes on
     *       axis 1;</li>
     *   <li>{@code target} either INT32 class indices {@code [N]} (or {@code [N, d1, ...]}, or a scalar
     *       for unbatched logits) in {@code [0, C)}, or class probabilities of the logits' shape and
     *       dtype.</li>
     * </ul>
     * With label smoothing {@code eps} the target distribution is {@code (1 - eps) target + eps / C}, so
     * the per-sample loss is {@code (1 - eps) * NLL + eps * mean_c(-logSoftmax)}.
     * {@link Reduction#NONE} gives one loss per sample ({@code [N]} or {@code [N, d1, ...]}).
     *
     * <p>Class indices are validated. Labels made by {@link ClassLabels#upload} were checked on the host
     * before they were uploaded and are trusted as they are: the {@code DataLoader}'s batches are made
     * that way, so a training step needs no read-back for them. Any other INT32 labels are checked on
     * their device, which reads back one scalar (the number of in-range labels) per call.
     *
     * @throws IllegalArgumentException for a label outside {@code [0, C)} (naming it and {@code C}), shapes
     *     that do not match, or {@code labelSmoothing} outside {@code [0, 1]}
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing, Reduction reduction) {
        Objects.requireNonNull(logits, "crossEntropy: logits");
        Objects.requireNonNull(target, "crossEntropy: target");
        Objects.requireNonNull(reduction, "crossEntropy: reduction");
        checkArgument(labelSmoothing >= 0 && labelSmoothing <= 1,
                "crossEntropy: label smoothing must be in [0, 1], got %s", labelSmoothing);
        checkArgument(logits.dtype().isFloatingPoint(), "crossEntropy: logits must be FLOAT32 or FLOAT64, got %s %s",
                logits.dtype(), logits.shape());
        checkArgument(logits.rank() >= 1, "crossEntropy: logits must be [N, C] (or [C]), got a scalar");
        if (logits.rank() == 1) {
            Tensor perSample = crossEntropy(logits.unsqueeze(0), target.rank() == 0 || target.dtype()
                    .isFloatingPoint() && target.rank() == 1 ? target.unsqueeze(0) : target, labelSmoothing,
                    Reduction.NONE);
            return reduce(perSample.squeeze(0), reduction);
        }
        int classes = logits.shape().dim(1);
        Tensor distribution;
        if (target.dtype() == DType.INT32) {
            Shape expected = withoutAxis1(logits.shape());
            checkArgument(target.shape().equals(expected),
                    "crossEntropy: class labels must have shape %s for logits %s, got %s", expected, logits.shape(),
                    target.shape());
            distribution = oneHot(target, classes, logits.dtype(), 1);
            checkLabels(target, distribution, classes);
        } else {
            checkArgument(target.shape().equals(logits.shape()) && target.dtype() == logits.dtype(),
                    "crossEntropy: probability targets must match the logits %s %s, got %s %s (or give INT32 labels)",
                    logits.dtype(), logits.shape(), target.dtype(), target.shape());
            distribution = target;
        }
        if (labelSmoothing > 0) {
            distribution = distribution.mul(1 - labelSmoothing).add(labelSmoothing / classes);
        }
        Tensor perSample = logits.logSoftmax(1).mul(distribution).sum(1).neg();
        return reduce(perSample, reduction);
    }

    /**
     * Binary cross-entropy of {@code sigmoid(logits)} against {@code targets} in {@code [0, 1]}, in the
     * stable form {@code max(x, 0) - x t + log(1 + exp(-|x|))} (logits of +-100 stay finite), mean over
     * all elements. Shapes must be equal.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets) {
        return binaryCrossEntropyWithLogits(logits, targets, null, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        return binaryCrossEntropyWithLogits(logits, targets, null, reduction);
    }

    /**
     * As PyTorch's {@code F.binary_cross_entropy_with_logits}: with {@code posWeight} (broadcast against
     * the logits, typically {@code [C]}), positive targets are weighted:
     * {@code (1 - t) x + (1 + (posWeight - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))}.
     *
     * @param posWeight weight of positive examples per class, or {@code null} for none
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor posWeight,
            Reduction reduction) {
        checkSameShape("binaryCrossEntropyWithLogits", logits, targets);
        Objects.requireNonNull(reduction, "binaryCrossEntropyWithLogits: reduction");
        Tensor softplusNegAbs = logits.abs().neg().exp().add(1.0).log();
        Tensor loss;
        if (posWeight == null) {
            loss = logits.relu().sub(logits.mul(targets)).add(softplusNegAbs);
        } else {
            Tensor weight = posWeight.sub(1.0).mul(targets).add(1.0);
            loss = targets.neg().add(1.0).mul(logits).add(weight.mul(softplusNegAbs.add(logits.neg().relu())));
        }
        return reduce(loss, reduction);
    }

    // ---- Helpers --------------------------------------------------------------------------------

    /**
     * One-hot rows of INT32 {@code labels}: {@code [..., classes]} in {@code dtype}, 1 where the class
     * equals the label, built on the labels' device. Labels outside {@code [0, classes)} give a row of
     * zeros.
     */
    public static Tensor oneHot(Tensor labels, int classes, DType dtype) {
        return oneHot(labels, classes, dtype, labels.rank());
    }

    /** One-hot with the class axis inserted at {@code axis}. */
    private static Tensor oneHot(Tensor labels, int classes, DType dtype, int axis) {
        checkArgument(labels.dtype() == DType.INT32, "oneHot: labels must be INT32, got %s", labels.dtype());
        checkArgument(dtype.isFloatingPoint(), "oneHot: dtype must be FLOAT32 or FLOAT64, got %s", dtype);
        checkArgument(classes >= 1, "oneHot: classes must be >= 1, got %s", classes);
        return NoGrad.run(() -> {
            int[] rampShape = new int[labels.rank() + 1];
            Arrays.fill(rampShape, 1);
            rampShape[axis] = classes;
            Tensor ramp = classIndices(labels.device(), dtype, classes).reshape(rampShape);
            return labels.to(dtype).unsqueeze(axis).eq(ramp);
        });
    }

    private record RampKey(Device device, DType dtype, int classes) {}

    private static final int RAMP_CACHE_LIMIT = 64;
    private static final ConcurrentHashMap<RampKey, Tensor> RAMPS = new ConcurrentHashMap<>();

    /** {@code [0, 1, ..., classes - 1]} on {@code device}, cached: the same few rows serve every batch. */
    private static Tensor classIndices(Device device, DType dtype, int classes) {
        if (RAMPS.size() > RAMP_CACHE_LIMIT) {
            RAMPS.clear();
        }
        return RAMPS.computeIfAbsent(new RampKey(device, dtype, classes), k -> TensorScope.untrack(Tensors.arange(device, dtype, classes)));
    }

    /**
     * Fails, naming the first bad label, when some labels had no class (their one-hot rows are zero).
     * Labels checked on the host ({@link ClassLabels}) are not read back.
     */
    private static void checkLabels(Tensor labels, Tensor oneHot, int classes) {
        if (ClassLabels.checkedOnHost(labels, classes)) {
            return;
        }
        double matched = NoGrad.run(() -> oneHot.sum().item());
        if (matched != labels.numel()) {
            int[] values = labels.toIntArray();
            for (int i = 0; i < values.length; i++) {
                if (values[i] < 0 || values[i] >= classes) {
                    throw new IllegalArgumentException("crossEntropy: label " + values[i] + " at index " + i
                            + " is out of range for " + classes + " classes; labels must be in [0, " + classes + ")");
                }
            }
            throw new IllegalStateException("crossEntropy: " + (long) matched + " of " + labels.numel()
                    + " labels matched a class, yet none is out of range [0, " + classes + ")");
        }
    }

    private static Shape withoutAxis1(Shape s) {
        int[] d = s.dims();
        int[] out = new int[d.length - 1];
        out[0] = d[0];
        System.arraycopy(d, 2, out, 1, d.length - 2);
        return Shape.of(out);
    }

    private static void checkSameShape(String op, Tensor a, Tensor b) {
        Objects.requireNonNull(a, op + ": prediction");
        Objects.requireNonNull(b, op + ": target");
        checkArgument(a.shape().equals(b.shape()), "%s: prediction %s and target %s must have the same shape", op,
                a.shape(), b.shape());
    }

    static Tensor reduce(Tensor values, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> values.mean();
            case SUM -> values.sum();
            case NONE -> values;
        };
    }
}

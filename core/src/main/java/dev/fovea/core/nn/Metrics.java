package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;

/** Evaluation metrics of classifiers. */
public final class Metrics {
    private Metrics() {}

    /**
     * How many rows of {@code logits [N, C]} have their largest value (first, on ties) at the class in
     * INT32 {@code labels [N]}. Computed on the device; reads back one scalar.
     */
    public static long correct(Tensor logits, Tensor labels) {
        checkArgument(logits.rank() == 2, "accuracy: logits must be [N, C], got %s", logits.shape());
        checkArgument(labels.dtype() == DType.INT32 && labels.rank() == 1
                        && labels.shape().dim(0) == logits.shape().dim(0),
                "accuracy: labels must be INT32 [%s] for logits %s, got %s %s", logits.shape().dim(0), logits.shape(),
                labels.dtype(), labels.shape());
        DType wide = logits.dtype();
        return NoGrad.run(() -> Math.round(logits.argmax(1).eq(labels).to(wide).sum().item()));
    }

    /** The fraction of rows classified correctly (see {@link #correct}); 0 for an empty batch. */
    public static double accuracy(Tensor logits, Tensor labels) {
        long n = labels.numel();
        return n == 0 ? 0.0 : (double) correct(logits, labels) / n;
    }
}

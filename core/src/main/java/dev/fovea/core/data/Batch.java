package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.DType;
import dev.fovea.api.Tensor;

/**
 * One batch on a device, as a {@link DataLoader} yields it.
 *
 * @param inputs FLOAT32, shaped {@code [size, ...exampleShape]}
 * @param labels INT32 class indices, shaped {@code [size]}
 * @param size the number of examples, {@code inputs.shape().dim(0)}; only the last batch of an
 *     epoch may be smaller than the loader's batch size
 */
public record Batch(Tensor inputs, Tensor labels, int size) implements AutoCloseable {
    public Batch {
        Preconditions.checkNotNull(inputs, "inputs");
        Preconditions.checkNotNull(labels, "labels");
        Preconditions.checkArgument(inputs.dtype() == DType.FLOAT32 && labels.dtype() == DType.INT32,
                "a batch holds FLOAT32 inputs and INT32 labels, got %s and %s", inputs.dtype(), labels.dtype());
        Preconditions.checkArgument(inputs.rank() >= 1 && inputs.shape().dim(0) == size
                        && labels.rank() == 1 && labels.shape().dim(0) == size,
                "batch of %s: inputs shaped %s and labels shaped %s must both lead with %s",
                size, inputs.shape(), labels.shape(), size);
    }

    /** Releases both tensors' device memory. */
    @Override
    public void close() {
        inputs.close();
        labels.close();
    }
}

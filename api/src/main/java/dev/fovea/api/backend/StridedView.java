package dev.fovea.api.backend;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * A kernel operand: elements of a {@link DeviceBuffer} seen through an offset and per-dimension
 * strides (in elements). Transposes, slices and broadcasts are views, never copies; a broadcast
 * dimension has stride 0. Output views must not overlap themselves.
 */
public final class StridedView {
    private final DeviceBuffer buffer;
    private final long offset;
    private final Shape shape;
    private final long[] strides;

    /**
     * @throws IllegalArgumentException if the strides do not match the shape's rank or the view
     *     reaches outside the buffer
     */
    public StridedView(DeviceBuffer buffer, long offset, Shape shape, long[] strides) {
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        this.shape = Objects.requireNonNull(shape, "shape");
        this.offset = offset;
        this.strides = strides.clone();
        if (strides.length != shape.rank()) {
            throw new IllegalArgumentException("view of shape " + shape + " needs " + shape.rank()
                    + " strides, got " + Arrays.toString(strides));
        }
        if (shape.numel() > 0) {
            long lo = offset;
            long hi = offset;
            for (int i = 0; i < strides.length; i++) {
                long reach = strides[i] * (shape.dim(i) - 1L);
                if (reach < 0) {
                    lo += reach;
                } else {
                    hi += reach;
                }
            }
            if (lo < 0 || hi >= buffer.elements()) {
                throw new IllegalArgumentException("view of shape " + shape + ", offset " + offset + ", strides "
                        + Arrays.toString(strides) + " reaches outside its buffer of " + buffer.elements()
                        + " elements");
            }
        }
    }

    /** A dense row-major view of {@code shape} at the start of {@code buffer}. */
    public static StridedView contiguous(DeviceBuffer buffer, Shape shape) {
        return new StridedView(buffer, 0, shape, shape.contiguousStrides());
    }

    public DeviceBuffer buffer() {
        return buffer;
    }

    public DType dtype() {
        return buffer.dtype();
    }

    /** Offset of element (0, ..., 0) in the buffer, in elements. */
    public long offset() {
        return offset;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** Stride of dimension {@code axis}, in elements. */
    public long stride(int axis) {
        return strides[axis];
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    /** True when the view is dense and row-major (size-1 dimensions may have any stride). */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            int d = shape.dim(i);
            if (d != 1 && strides[i] != expected) {
                return false;
            }
            expected *= d;
        }
        return true;
    }

    @Override
    public String toString() {
        return "StridedView" + shape + " offset " + offset + " strides " + Arrays.toString(strides) + " of "
                + buffer.dtype();
    }
}

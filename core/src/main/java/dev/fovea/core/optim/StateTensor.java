package dev.fovea.core.optim;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable host copy of one tensor of optimizer state (a momentum buffer, Adam's moments, a
 * per-parameter step count): its dtype, shape and row-major values.
 *
 * <p>Values are kept as {@code double}s, which hold every FLOAT32 value exactly, so a FLOAT32 state
 * tensor survives {@link #copyOf copy} and restore bit for bit. {@link #toFloatArray()} gives them
 * back in the tensor's own precision for writers (safetensors) that store FLOAT32.
 */
public final class StateTensor {
    private final DType dtype;
    private final Shape shape;
    private final double[] values;

    private StateTensor(DType dtype, Shape shape, double[] values) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("StateTensor: optimizer state is FLOAT32 or FLOAT64, got " + dtype);
        }
        if (values.length != shape.numel()) {
            throw new IllegalArgumentException("StateTensor: " + values.length + " values do not fill shape " + shape
                    + " (" + shape.numel() + " elements)");
        }
        if (dtype == DType.FLOAT32) {
            for (double v : values) {
                if ((double) (float) v != v && !Double.isNaN(v)) {
                    throw new IllegalArgumentException("StateTensor: value " + v + " is not representable as FLOAT32");
                }
            }
        }
        this.values = values;
    }

    /** A FLOAT32 state tensor with {@code values} in row-major order. */
    public static StateTensor of(float[] values, Shape shape) {
        double[] copy = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            copy[i] = values[i];
        }
        return new StateTensor(DType.FLOAT32, shape, copy);
    }

    /** A FLOAT64 state tensor with {@code values} in row-major order. */
    public static StateTensor of(double[] values, Shape shape) {
        return new StateTensor(DType.FLOAT64, shape, values.clone());
    }

    /** A FLOAT64 scalar (what per-parameter step counts are stored as). */
    public static StateTensor scalar(double value) {
        return new StateTensor(DType.FLOAT64, Shape.scalar(), new double[] {value});
    }

    /** Downloads {@code tensor} (one host transfer) into a new host copy. */
    public static StateTensor copyOf(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        if (tensor.dtype() == DType.FLOAT32) {
            return of(tensor.toFloatArray(), tensor.shape());
        }
        return new StateTensor(tensor.dtype(), tensor.shape(), tensor.toDoubleArray());
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long numel() {
        return values.length;
    }

    /** The values, row-major (a copy). */
    public double[] toDoubleArray() {
        return values.clone();
    }

    /** The values, row-major, as floats (exact for FLOAT32 state). */
    public float[] toFloatArray() {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** The single value of a one-element state tensor. */
    public double item() {
        if (values.length != 1) {
            throw new IllegalStateException("StateTensor: item() needs one element, this one has shape " + shape);
        }
        return values[0];
    }

    /** Bitwise equality of dtype, shape and values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StateTensor other && dtype == other.dtype && shape.equals(other.shape)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, shape, Arrays.hashCode(values));
    }

    @Override
    public String toString() {
        return "StateTensor[" + dtype + " " + shape + "]";
    }
}

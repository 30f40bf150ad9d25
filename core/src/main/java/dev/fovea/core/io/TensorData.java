package dev.fovea.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.Tensors;
import java.util.Arrays;
import java.util.Objects;

/**
 * The values of one tensor on the host, as a safetensors file stores them: a dtype, a shape and the
 * elements in row-major order, held in a {@code float[]}, {@code double[]} or {@code int[]} by dtype.
 * Immutable; the accessors return copies.
 *
 * <pre>{@code
 * TensorData w = TensorData.copyOf(model.parameters().get("0.weight"));   // one download
 * Tensor back = w.toTensor(device);                                        // one upload
 * }</pre>
 */
public final class TensorData {
    private final DType dtype;
    private final Shape shape;
    private final float[] floats;
    private final double[] doubles;
    private final int[] ints;

    private TensorData(DType dtype, Shape shape, float[] floats, double[] doubles, int[] ints) {
        this.dtype = dtype;
        this.shape = shape;
        this.floats = floats;
        this.doubles = doubles;
        this.ints = ints;
        long n = floats != null ? floats.length : doubles != null ? doubles.length : ints.length;
        checkArgument(n == shape.numel(), "TensorData: %s values do not fill shape %s (%s elements)", n, shape,
                shape.numel());
    }

    /** FLOAT32 values in row-major order (copied). */
    public static TensorData of(float[] values, Shape shape) {
        return new TensorData(DType.FLOAT32, Objects.requireNonNull(shape, "shape"), values.clone(), null, null);
    }

    /** FLOAT64 values in row-major order (copied). */
    public static TensorData of(double[] values, Shape shape) {
        return new TensorData(DType.FLOAT64, Objects.requireNonNull(shape, "shape"), null, values.clone(), null);
    }

    /** INT32 values in row-major order (copied). */
    public static TensorData ofInts(int[] values, Shape shape) {
        return new TensorData(DType.INT32, Objects.requireNonNull(shape, "shape"), null, null, values.clone());
    }

    /** Takes ownership of the array (no copy): for readers that just filled it. */
    static TensorData wrap(DType dtype, Shape shape, Object values) {
        return switch (dtype) {
            case FLOAT32 -> new TensorData(dtype, shape, (float[]) values, null, null);
            case FLOAT64 -> new TensorData(dtype, shape, null, (double[]) values, null);
            case INT32 -> new TensorData(dtype, shape, null, null, (int[]) values);
        };
    }

    /** Downloads {@code tensor}'s elements (one device-to-host transfer), keeping its dtype and shape. */
    public static TensorData copyOf(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        return switch (tensor.dtype()) {
            case FLOAT32 -> new TensorData(DType.FLOAT32, tensor.shape(), tensor.toFloatArray(), null, null);
            case FLOAT64 -> new TensorData(DType.FLOAT64, tensor.shape(), null, tensor.toDoubleArray(), null);
            case INT32 -> new TensorData(DType.INT32, tensor.shape(), null, null, tensor.toIntArray());
        };
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long numel() {
        return shape.numel();
    }

    /** Bytes the elements take in a safetensors file. */
    public long byteSize() {
        return shape.numel() * dtype.byteSize();
    }

    /** A new tensor on {@code device} with these values, dtype and shape (one upload). */
    public Tensor toTensor(Device device) {
        int[] dims = shape.dims();
        return switch (dtype) {
            case FLOAT32 -> Tensors.of(device, floats, dims);
            case FLOAT64 -> Tensors.of(device, doubles, dims);
            case INT32 -> Tensors.ofInts(device, ints, dims);
        };
    }

    /** The values as floats (rounded from FLOAT64, converted from INT32). */
    public float[] toFloatArray() {
        return switch (dtype) {
            case FLOAT32 -> floats.clone();
            case FLOAT64 -> {
                float[] out = new float[doubles.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) doubles[i];
                }
                yield out;
            }
            case INT32 -> {
                float[] out = new float[ints.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ints[i];
                }
                yield out;
            }
        };
    }

    /** The values as doubles (exact for every dtype). */
    public double[] toDoubleArray() {
        return switch (dtype) {
            case FLOAT32 -> {
                double[] out = new double[floats.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = floats[i];
                }
                yield out;
            }
            case FLOAT64 -> doubles.clone();
            case INT32 -> {
                double[] out = new double[ints.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = ints[i];
                }
                yield out;
            }
        };
    }

    /**
     * The values as ints: INT32 as they are; floating-point values only if every one is a whole
     * number in the int range.
     *
     * @throws IllegalArgumentException naming the first value that is not
     */
    public int[] toIntArray() {
        if (dtype == DType.INT32) {
            return ints.clone();
        }
        double[] v = toDoubleArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i]) || v[i] < Integer.MIN_VALUE || v[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("element " + i + " (" + v[i] + ") is not a whole number in the "
                        + "INT32 range");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /**
     * These values in {@code target}: FLOAT32 and FLOAT64 convert into each other (FLOAT64 to FLOAT32
     * rounds); INT32 converts to floating point exactly; floating point converts to INT32 only when every
     * value is a whole number in range.
     *
     * @throws IllegalArgumentException when a floating-point value does not fit INT32
     */
    public TensorData to(DType target) {
        if (target == dtype) {
            return this;
        }
        return switch (target) {
            case FLOAT32 -> new TensorData(target, shape, toFloatArray(), null, null);
            case FLOAT64 -> new TensorData(target, shape, null, toDoubleArray(), null);
            case INT32 -> new TensorData(target, shape, null, null, toIntArray());
        };
    }

    /** The backing array, not copied (float[], double[] or int[]), for writers in this package. */
    Object array() {
        return floats != null ? floats : doubles != null ? doubles : ints;
    }

    /** Equal dtype, shape and bit patterns. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TensorData other) || dtype != other.dtype || !shape.equals(other.shape)) {
            return false;
        }
        return switch (dtype) {
            case FLOAT32 -> Arrays.equals(floats, other.floats);
            case FLOAT64 -> Arrays.equals(doubles, other.doubles);
            case INT32 -> Arrays.equals(ints, other.ints);
        };
    }

    @Override
    public int hashCode() {
        int h = switch (dtype) {
            case FLOAT32 -> Arrays.hashCode(floats);
            case FLOAT64 -> Arrays.hashCode(doubles);
            case INT32 -> Arrays.hashCode(ints);
        };
        return Objects.hash(dtype, shape, h);
    }

    @Override
    public String toString() {
        return "TensorData[" + dtype.safetensorsName() + " " + shape + "]";
    }
}

package dev.fovea.core.tensor;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import dev.fovea.core.device.BackendDevice;
import dev.fovea.core.device.Devices;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Creates tensors: from Java arrays, filled with constants, ramps and random numbers, and by
 * combining tensors ({@link #where}, {@link #concat}, {@link #stack}).
 *
 * <p>Every factory takes the {@link Device} to create on; the overloads without one use
 * {@link Devices#defaultDevice()}. Created tensors are leaves that do not require gradients; call
 * {@code requiresGrad(true)} to make one a parameter.
 *
 * <pre>{@code
 * Tensor x = Tensors.of(device, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * Tensor w = Tensors.randn(device, DType.FLOAT32, Shape.of(3, 4), new RandomSource(7)).requiresGrad(true);
 * }</pre>
 */
public final class Tensors {
    private Tensors() {}

    private static BackendDevice on(Device device, String op) {
        Objects.requireNonNull(device, op + ": device");
        return DenseTensor.backendDevice(device, op);
    }

    private static Shape dataShape(String op, int length, int[] shape) {
        Shape s = Shape.of(shape);
        checkArgument(s.numel() == length, "%s: data length %s does not match shape %s (%s elements)", op, length,
                s, s.numel());
        return s;
    }

    // ---- From Java arrays -----------------------------------------------------------------------

    /** A FLOAT32 tensor with {@code data} in row-major order. */
    public static DenseTensor of(Device device, float[] data, int... shape) {
        return DenseTensor.fromHost(on(device, "of"), data, dataShape("of", data.length, shape));
    }

    /** A FLOAT64 tensor with {@code data} in row-major order. */
    public static DenseTensor of(Device device, double[] data, int... shape) {
        return DenseTensor.fromHost(on(device, "of"), data, dataShape("of", data.length, shape));
    }

    /** An INT32 tensor with {@code data} in row-major order (labels, indices). */
    public static DenseTensor ofInts(Device device, int[] data, int... shape) {
        return DenseTensor.fromHost(on(device, "ofInts"), data, dataShape("ofInts", data.length, shape));
    }

    public static DenseTensor of(float[] data, int... shape) {
        return of(Devices.defaultDevice(), data, shape);
    }

    public static DenseTensor of(double[] data, int... shape) {
        return of(Devices.defaultDevice(), data, shape);
    }

    public static DenseTensor ofInts(int[] data, int... shape) {
        return ofInts(Devices.defaultDevice(), data, shape);
    }

    // ---- Constants ------------------------------------------------------------------------------

    /** A rank-0 tensor holding {@code value}. */
    public static DenseTensor scalar(Device device, double value, DType dtype) {
        return full(device, dtype, Shape.scalar(), value);
    }

    public static DenseTensor scalar(double value, DType dtype) {
        return scalar(Devices.defaultDevice(), value, dtype);
    }

    /** A tensor of {@code shape} with every element {@code value} (set by a device kernel). */
    public static DenseTensor full(Device device, DType dtype, Shape shape, double value) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return DenseTensor.filled(on(device, "full"), dtype, shape, value);
    }

    public static DenseTensor full(DType dtype, Shape shape, double value) {
        return full(Devices.defaultDevice(), dtype, shape, value);
    }

    public static DenseTensor zeros(Device device, DType dtype, Shape shape) {
        return full(device, dtype, shape, 0.0);
    }

    public static DenseTensor zeros(DType dtype, Shape shape) {
        return zeros(Devices.defaultDevice(), dtype, shape);
    }

    public static DenseTensor ones(Device device, DType dtype, Shape shape) {
        return full(device, dtype, shape, 1.0);
    }

    public static DenseTensor ones(DType dtype, Shape shape) {
        return ones(Devices.defaultDevice(), dtype, shape);
    }

    /** Zeros with the shape, dtype and device of {@code like}. */
    public static DenseTensor zerosLike(Tensor like) {
        return zeros(like.device(), like.dtype(), like.shape());
    }

    /** Ones with the shape, dtype and device of {@code like}. */
    public static DenseTensor onesLike(Tensor like) {
        return ones(like.device(), like.dtype(), like.shape());
    }

    /** {@code [0, 1, ..., n-1]}. */
    public static DenseTensor arange(Device device, DType dtype, int n) {
        checkArgument(n >= 0, "arange: n must be >= 0, got %s", n);
        return DenseTensor.ramp(on(device, "arange"), dtype, n);
    }

    public static DenseTensor arange(DType dtype, int n) {
        return arange(Devices.defaultDevice(), dtype, n);
    }

    // ---- Random ---------------------------------------------------------------------------------

    private static DenseTensor random(String op, Device device, DType dtype, Shape shape, RandomSpec spec,
            RandomSource source) {
        Objects.requireNonNull(source, op + ": random source");
        Objects.requireNonNull(shape, op + ": shape");
        checkArgument(dtype != null && dtype.isFloatingPoint(), "%s: random tensors must be FLOAT32 or FLOAT64, got %s",
                op, dtype);
        DenseTensor t = DenseTensor.empty(on(device, op), dtype, shape);
        long counter = source.advance(shape.numel());
        if (shape.numel() > 0) {
            t.backend().fillRandom(spec, source.seed(), counter, t.view());
        }
        return t;
    }

    /** Uniform on {@code [0, 1)}. */
    public static DenseTensor rand(Device device, DType dtype, Shape shape, RandomSource source) {
        return random("rand", device, dtype, shape, RandomSpec.uniform(0, 1), source);
    }

    public static DenseTensor rand(DType dtype, Shape shape, RandomSource source) {
        return rand(Devices.defaultDevice(), dtype, shape, source);
    }

    /** Standard normal (mean 0, standard deviation 1). */
    public static DenseTensor randn(Device device, DType dtype, Shape shape, RandomSource source) {
        return random("randn", device, dtype, shape, RandomSpec.normal(0, 1), source);
    }

    public static DenseTensor randn(DType dtype, Shape shape, RandomSource source) {
        return randn(Devices.defaultDevice(), dtype, shape, source);
    }

    /** Uniform on {@code [low, high)}. */
    public static DenseTensor uniform(Device device, DType dtype, Shape shape, double low, double high,
            RandomSource source) {
        return random("uniform", device, dtype, shape, RandomSpec.uniform(low, high), source);
    }

    public static DenseTensor uniform(DType dtype, Shape shape, double low, double high, RandomSource source) {
        return uniform(Devices.defaultDevice(), dtype, shape, low, high, source);
    }

    /** Normal with the given mean and standard deviation. */
    public static DenseTensor normal(Device device, DType dtype, Shape shape, double mean, double std,
            RandomSource source) {
        return random("normal", device, dtype, shape, RandomSpec.normal(mean, std), source);
    }

    public static DenseTensor normal(DType dtype, Shape shape, double mean, double std, RandomSource source) {
        return normal(Devices.defaultDevice(), dtype, shape, mean, std, source);
    }

    // ---- Combining ------------------------------------------------------------------------------

    /**
     * {@code cond != 0 ? a : b} elementwise, all three broadcast together. Differentiable in {@code a}
     * and {@code b}; {@code cond} may have any dtype.
     */
    public static DenseTensor where(Tensor cond, Tensor a, Tensor b) {
        DenseTensor c = DenseTensor.cast(cond, "where");
        DenseTensor x = DenseTensor.cast(a, "where");
        DenseTensor y = DenseTensor.cast(b, "where");
        x.checkSameDevice("where", c);
        x.checkSameDevice("where", y);
        x.checkSameDtype("where", y);
        x.requireFloat("where");
        Shape s = DenseTensor.broadcastShape("where", DenseTensor.broadcastShape("where", c.shape(), x.shape()),
                y.shape());
        DenseTensor out = DenseTensor.empty(x.backendDevice(), x.dtype(), s);
        if (s.numel() > 0) {
            x.backend().where(c.broadcastTo(s), x.broadcastTo(s), y.broadcastTo(s), out.view());
        }
        return DenseTensor.record(out, "where", g -> {
            DenseTensor zero = g.constant(0.0);
            return new DenseTensor[] {
                null,
                x.requiresGrad() ? DenseTensor.sumTo(where(c, g, zero), x.shape()) : null,
                y.requiresGrad() ? DenseTensor.sumTo(where(c, zero, g), y.shape()) : null
            };
        }, c, x, y);
    }

    /** The tensors joined along {@code axis}; all other dimensions must agree. Differentiable. */
    public static DenseTensor concat(int axis, List<? extends Tensor> tensors) {
        checkArgument(tensors != null && !tensors.isEmpty(), "concat: needs at least one tensor");
        DenseTensor[] parts = new DenseTensor[tensors.size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = DenseTensor.cast(tensors.get(i), "concat");
        }
        DenseTensor first = parts[0];
        checkArgument(first.rank() > 0, "concat: tensors need at least one dimension, got shape %s", first.shape());
        int a = first.shape().normalizeAxis(axis);
        int total = 0;
        for (DenseTensor p : parts) {
            first.checkSameDevice("concat", p);
            first.checkSameDtype("concat", p);
            boolean fits = p.rank() == first.rank();
            for (int d = 0; fits && d < p.rank(); d++) {
                fits = d == a || p.shape().dim(d) == first.shape().dim(d);
            }
            if (!fits) {
                throw new IllegalArgumentException("concat along axis " + axis + ": shapes "
                        + Arrays.toString(Arrays.stream(parts).map(Tensor::shape).toArray())
                        + " differ outside that axis");
            }
            total += p.shape().dim(a);
        }
        Shape outShape = first.shape().withDim(a, total);
        DenseTensor out = DenseTensor.empty(first.backendDevice(), first.dtype(), outShape);
        StridedView ov = out.view();
        long[] strides = ov.strides();
        int[] starts = new int[parts.length];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            starts[i] = at;
            DenseTensor p = parts[i];
            if (p.numel() > 0) {
                StridedView target = new StridedView(ov.buffer(), ov.offset() + at * strides[a],
                        p.shape(), strides);
                first.backend().unary(UnaryOp.IDENTITY, p.view(), target);
            }
            at += p.shape().dim(a);
        }
        return DenseTensor.record(out, "concat", g -> {
            DenseTensor[] grads = new DenseTensor[parts.length];
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].requiresGrad()) {
                    grads[i] = g.slice(a, starts[i], starts[i] + parts[i].shape().dim(a));
                }
            }
            return grads;
        }, parts);
    }

    /** The tensors, all of one shape, stacked along a new axis {@code axis}. Differentiable. */
    public static DenseTensor stack(int axis, List<? extends Tensor> tensors) {
        checkArgument(tensors != null && !tensors.isEmpty(), "stack: needs at least one tensor");
        Shape shape = tensors.get(0).shape();
        List<Tensor> expanded = new ArrayList<>();
        for (Tensor t : tensors) {
            checkArgument(t.shape().equals(shape), "stack: all tensors need the same shape, got %s and %s", shape,
                    t.shape());
            expanded.add(DenseTensor.cast(t, "stack").unsqueeze(axis));
        }
        return concat(axis < 0 ? axis + shape.rank() + 1 : axis, expanded);
    }
}

package dev.fovea.core.nn.init;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.Objects;

/**
 * How a parameter's first values are drawn, as in {@code torch.nn.init}. Each variant is an immutable
 * record of plain numbers and enums, so layer configs that hold one stay plain data.
 *
 * <pre>{@code
 * Tensor w = new Init.KaimingNormal(0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU)
 *         .create(device, DType.FLOAT32, Shape.of(64, 32, 3, 3), rng);
 * var conv = Conv2d.of(32, 64, 3).weightInit(Init.xavierUniform()).biasInit(Init.zeros());
 * }</pre>
 *
 * <p><b>Fans</b> follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for a weight of shape
 * {@code [out, in, k...]}, {@code fanIn = in * prod(k)} and {@code fanOut = out * prod(k)}; see
 * {@link Fans#of(Shape)}. The fan-based variants need a shape of rank 2 or more.
 *
 * <p><b>Randomness.</b> Random variants draw {@code shape.numel()} numbers from the
 * {@link RandomSource} (a counter-based Philox stream evaluated by the backend), so the same seed and
 * draw order give bit-identical tensors on every backend.
 */
public sealed interface Init
        permits Init.Zeros, Init.Ones, Init.Constant, Init.Normal, Init.Uniform, Init.XavierUniform,
                Init.XavierNormal, Init.KaimingUniform, Init.KaimingNormal {

    /**
     * A new leaf tensor of {@code shape} with this initialiser's values.
     *
     * @throws IllegalArgumentException for a fan-based initialiser and a shape of rank below 2, or a
     *     random initialiser and a non-floating-point dtype
     */
    Tensor create(Device device, DType dtype, Shape shape, RandomSource rng);

    /** Which fan Kaiming initialisation preserves: forward activations (FAN_IN) or gradients (FAN_OUT). */
    enum FanMode {
        FAN_IN,
        FAN_OUT
    }

    /** The non-linearity after the layer, for the gain of {@code torch.nn.init.calculate_gain}. */
    enum Nonlinearity {
        /** Gain 1 (also right for conv/linear outputs without activation, and sigmoid). */
        LINEAR,
        /** Gain sqrt(2). */
        RELU,
        /** Gain sqrt(2 / (1 + a^2)) with {@code a} the negative slope. */
        LEAKY_RELU,
        /** Gain 5/3. */
        TANH;

        /** The recommended gain; {@code negativeSlope} only matters for LEAKY_RELU. */
        public double gain(double negativeSlope) {
            return switch (this) {
                case LINEAR -> 1.0;
                case RELU -> Math.sqrt(2.0);
                case LEAKY_RELU -> Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
                case TANH -> 5.0 / 3.0;
            };
        }
    }

    /** A weight's fan-in and fan-out. */
    record Fans(long fanIn, long fanOut) {
        /**
         * PyTorch's fans: {@code shape[1] * receptive} and {@code shape[0] * receptive}, where
         * {@code receptive} is the product of the dimensions after the first two.
         *
         * @throws IllegalArgumentException naming the shape when its rank is below 2
         */
        public static Fans of(Shape shape) {
            Objects.requireNonNull(shape, "shape");
            checkArgument(shape.rank() >= 2, "fan in and fan out cannot be computed for shape %s with fewer than "
                    + "2 dimensions; fan-based initialisers (Xavier, Kaiming) are for weights [out, in, ...]", shape);
            long receptive = 1;
            for (int i = 2; i < shape.rank(); i++) {
                receptive *= shape.dim(i);
            }
            return new Fans(shape.dim(1) * receptive, shape.dim(0) * receptive);
        }

        long select(FanMode mode) {
            return mode == FanMode.FAN_IN ? fanIn : fanOut;
        }
    }

    // ---- Variants ------------------------------------------------------------------------------

    /** All zeros. */
    record Zeros() implements Init {
        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.zeros(device, dtype, shape);
        }
    }

    /** All ones. */
    record Ones() implements Init {
        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.ones(device, dtype, shape);
        }
    }

    /** Every element {@code value}. */
    record Constant(double value) implements Init {
        public Constant {
            checkArgument(Double.isFinite(value), "Constant init value must be finite, got %s", value);
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.full(device, dtype, shape, value);
        }
    }

    /** Normal with mean {@code mean} and standard deviation {@code std}. */
    record Normal(double mean, double std) implements Init {
        public Normal {
            checkArgument(Double.isFinite(mean) && Double.isFinite(std) && std >= 0,
                    "Normal init needs a finite mean and std >= 0, got mean %s, std %s", mean, std);
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.normal(device, dtype, shape, mean, std, rng);
        }
    }

    /** Uniform on {@code [low, high)}. */
    record Uniform(double low, double high) implements Init {
        public Uniform {
            checkArgument(Double.isFinite(low) && Double.isFinite(high) && low <= high,
                    "Uniform init needs finite low <= high, got [%s, %s)", low, high);
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.uniform(device, dtype, shape, low, high, rng);
        }
    }

    /** Glorot uniform: {@code U(-b, b)} with {@code b = gain * sqrt(6 / (fanIn + fanOut))}. */
    record XavierUniform(double gain) implements Init {
        public XavierUniform {
            checkArgument(gain > 0 && Double.isFinite(gain), "Xavier gain must be > 0, got %s", gain);
        }

        /** The bound {@code b} for a weight of {@code shape}. */
        public double bound(Shape shape) {
            Fans f = Fans.of(shape);
            return gain * Math.sqrt(6.0 / Math.max(1, f.fanIn() + f.fanOut()));
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            double b = bound(shape);
            return Tensors.uniform(device, dtype, shape, -b, b, rng);
        }
    }

    /** Glorot normal: {@code N(0, std^2)} with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    record XavierNormal(double gain) implements Init {
        public XavierNormal {
            checkArgument(gain > 0 && Double.isFinite(gain), "Xavier gain must be > 0, got %s", gain);
        }

        /** The standard deviation for a weight of {@code shape}. */
        public double std(Shape shape) {
            Fans f = Fans.of(shape);
            return gain * Math.sqrt(2.0 / Math.max(1, f.fanIn() + f.fanOut()));
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.normal(device, dtype, shape, 0, std(shape), rng);
        }
    }

    /**
     * He uniform: {@code U(-b, b)} with {@code b = gain * sqrt(3 / fan)}, gain from
     * {@code nonlinearity} and {@code a} (the negative slope of a leaky ReLU). With
     * {@code a = sqrt(5)}, FAN_IN and LEAKY_RELU the bound is {@code 1 / sqrt(fanIn)}: PyTorch's
     * default for Linear and Conv weights ({@link #pytorchDefault()}).
     */
    record KaimingUniform(double a, FanMode mode, Nonlinearity nonlinearity) implements Init {
        public KaimingUniform {
            checkArgument(Double.isFinite(a), "Kaiming a must be finite, got %s", a);
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(nonlinearity, "nonlinearity");
        }

        /** PyTorch's default weight initialisation of Linear and Conv layers. */
        public static KaimingUniform pytorchDefault() {
            return new KaimingUniform(Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU);
        }

        /** The bound {@code b} for a weight of {@code shape}. */
        public double bound(Shape shape) {
            return nonlinearity.gain(a) * Math.sqrt(3.0 / Math.max(1, Fans.of(shape).select(mode)));
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            double b = bound(shape);
            return Tensors.uniform(device, dtype, shape, -b, b, rng);
        }
    }

    /** He normal: {@code N(0, std^2)} with {@code std = gain / sqrt(fan)}. */
    record KaimingNormal(double a, FanMode mode, Nonlinearity nonlinearity) implements Init {
        public KaimingNormal {
            checkArgument(Double.isFinite(a), "Kaiming a must be finite, got %s", a);
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(nonlinearity, "nonlinearity");
        }

        /** The standard deviation for a weight of {@code shape}. */
        public double std(Shape shape) {
            return nonlinearity.gain(a) / Math.sqrt(Math.max(1, Fans.of(shape).select(mode)));
        }

        @Override
        public Tensor create(Device device, DType dtype, Shape shape, RandomSource rng) {
            return Tensors.normal(device, dtype, shape, 0, std(shape), rng);
        }
    }

    // ---- Short factories -----------------------------------------------------------------------

    static Init zeros() {
        return new Zeros();
    }

    static Init ones() {
        return new Ones();
    }

    static Init constant(double value) {
        return new Constant(value);
    }

    static Init normal(double mean, double std) {
        return new Normal(mean, std);
    }

    static Init uniform(double low, double high) {
        return new Uniform(low, high);
    }

    /** Xavier uniform with gain 1. */
    static Init xavierUniform() {
        return new XavierUniform(1.0);
    }

    /** Xavier normal with gain 1. */
    static Init xavierNormal() {
        return new XavierNormal(1.0);
    }

    /** He uniform for a following ReLU (gain sqrt(2), fan-in). */
    static Init kaimingUniform() {
        return new KaimingUniform(0, FanMode.FAN_IN, Nonlinearity.RELU);
    }

    /** He normal for a following ReLU (gain sqrt(2), fan-in). */
    static Init kaimingNormal() {
        return new KaimingNormal(0, FanMode.FAN_IN, Nonlinearity.RELU);
    }

    /** {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}: PyTorch's default for Linear/Conv weights. */
    static Init pytorchDefault() {
        return KaimingUniform.pytorchDefault();
    }

    /**
     * PyTorch's default bias initialisation for a layer whose weight has {@code weightShape}:
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} with the weight's fan-in (0 bound for fan-in 0).
     */
    static Uniform biasDefault(Shape weightShape) {
        long fanIn = Fans.of(weightShape).fanIn();
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
        return new Uniform(-bound, bound);
    }
}

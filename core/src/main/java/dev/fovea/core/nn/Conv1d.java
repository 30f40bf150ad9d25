package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.RandomSource;
import java.util.Locale;
import java.util.Objects;

/**
 * A 1-D convolution over NCL sequences, as PyTorch's {@code nn.Conv1d}: weight
 * {@code [out, in / groups, k]}, optional bias {@code [out]}. Computed as a 2-D convolution of height 1.
 *
 * <pre>{@code
 * Conv1d.of(8, 16, 3).padding(1)             // L -> L
 * Conv1d.of(8, 16, 4).padding(Padding.SAME)  // L -> L, the extra pad on the right
 * }</pre>
 */
public final class Conv1d extends AbstractLayer {

    /**
     * Plain-data description of a {@link Conv1d} layer; the pads are used with {@link Padding#EXPLICIT}.
     *
     * @param biasInit the bias initialiser, or {@code null} for PyTorch's default
     *     {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} with {@code fanIn = in / groups * k}
     */
    public record Config(
            int inChannels,
            int outChannels,
            int kernel,
            int stride,
            Padding paddingMode,
            int padLeft,
            int padRight,
            int dilation,
            int groups,
            boolean bias,
            Init weightInit,
            Init biasInit,
            DType dtype) implements LayerConfig<Conv1d> {

        public Config {
            checkArgument(inChannels >= 1 && outChannels >= 1, "Conv1d: in and out channels must be >= 1, got %s and %s",
                    inChannels, outChannels);
            checkArgument(kernel >= 1, "Conv1d: kernel size must be >= 1, got %s", kernel);
            checkArgument(stride >= 1, "Conv1d: stride must be >= 1, got %s", stride);
            checkArgument(dilation >= 1, "Conv1d: dilation must be >= 1, got %s", dilation);
            checkArgument(padLeft >= 0 && padRight >= 0, "Conv1d: padding must be >= 0, got left %s, right %s", padLeft,
                    padRight);
            Objects.requireNonNull(paddingMode, "Conv1d: paddingMode");
            checkArgument(paddingMode == Padding.EXPLICIT || (padLeft | padRight) == 0,
                    "Conv1d: padding %s takes no explicit pads, got left %s, right %s", paddingMode, padLeft, padRight);
            checkArgument(paddingMode != Padding.SAME || stride == 1,
                    "Conv1d: padding SAME is not supported for strided convolutions (stride %s), as in PyTorch; "
                            + "give explicit padding instead", stride);
            checkArgument(groups >= 1, "Conv1d: groups must be >= 1, got %s", groups);
            checkArgument(inChannels % groups == 0, "Conv1d: in channels %s must be divisible by groups %s", inChannels,
                    groups);
            checkArgument(outChannels % groups == 0, "Conv1d: out channels %s must be divisible by groups %s",
                    outChannels, groups);
            Objects.requireNonNull(weightInit, "Conv1d: weightInit");
            checkArgument(dtype != null && dtype.isFloatingPoint(), "Conv1d: dtype must be FLOAT32 or FLOAT64, got %s",
                    dtype);
        }

        @Override
        public String type() {
            return "Conv1d";
        }

        public Config stride(int s) {
            return new Config(inChannels, outChannels, kernel, s, paddingMode, padLeft, padRight, dilation, groups, bias,
                    weightInit, biasInit, dtype);
        }

        /** {@code p} zeros at both ends. */
        public Config padding(int p) {
            return padding(p, p);
        }

        /** Asymmetric padding. */
        public Config padding(int left, int right) {
            return new Config(inChannels, outChannels, kernel, stride, Padding.EXPLICIT, left, right, dilation, groups,
                    bias, weightInit, biasInit, dtype);
        }

        /** {@link Padding#SAME} or {@link Padding#VALID}. */
        public Config padding(Padding mode) {
            return new Config(inChannels, outChannels, kernel, stride, mode, 0, 0, dilation, groups, bias, weightInit,
                    biasInit, dtype);
        }

        public Config dilation(int d) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, d, groups, bias,
                    weightInit, biasInit, dtype);
        }

        public Config groups(int g) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, dilation, g, bias,
                    weightInit, biasInit, dtype);
        }

        public Config bias(boolean value) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, dilation, groups,
                    value, weightInit, biasInit, dtype);
        }

        public Config weightInit(Init value) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, dilation, groups,
                    bias, value, biasInit, dtype);
        }

        /** The bias initialiser; {@code null} restores PyTorch's default. */
        public Config biasInit(Init value) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, dilation, groups,
                    bias, weightInit, value, dtype);
        }

        @Override
        public Config dtype(DType value) {
            return new Config(inChannels, outChannels, kernel, stride, paddingMode, padLeft, padRight, dilation, groups,
                    bias, weightInit, biasInit, value);
        }

        /** The weight's shape {@code [out, in / groups, k]}. */
        public Shape weightShape() {
            return Shape.of(outChannels, inChannels / groups, kernel);
        }

        /** The equivalent 2-D geometry (height 1), with SAME/VALID resolved to pads. */
        public ConvSpec spec() {
            int[] p = Padding.resolve(paddingMode, padLeft, padRight, kernel, dilation);
            return new ConvSpec(1, stride, 0, 0, p[0], p[1], 1, dilation, groups);
        }

        @Override
        public Conv1d init(Device device, RandomSource rng) {
            return new Conv1d(this, device, rng);
        }
    }

    /** {@code in -> out} channels with a kernel of {@code kernel}: stride 1, no padding, bias, FLOAT32. */
    public static Config of(int inChannels, int outChannels, int kernel) {
        return new Config(inChannels, outChannels, kernel, 1, Padding.EXPLICIT, 0, 0, 1, 1, true, Init.pytorchDefault(),
                null, DType.FLOAT32);
    }

    private final Config config;
    private final ConvSpec spec;

    private Conv1d(Config config, Device device, RandomSource rng) {
        super(config);
        this.config = config;
        this.spec = config.spec();
        WeightAndBias.register(this, device, config.dtype(), config.weightShape(), config.weightInit(), config.bias(),
                config.biasInit(), rng);
    }

    @Override
    public Config config() {
        return config;
    }

    /** The filters {@code [out, in / groups, k]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias {@code [out]}, or {@code null} without one. */
    public Tensor bias() {
        return config.bias() ? parameter("bias") : null;
    }

    /**
     * {@code [N, in, L] -> [N, out, outL]} (or unbatched {@code [in, L] -> [out, outL]}) with
     * {@code outL = (L + padLeft + padRight - dilation (k - 1) - 1) / stride + 1}.
     *
     * @throws IllegalArgumentException naming the layer, the expected and the actual shape
     */
    @Override
    public Tensor forward(Tensor x) {
        int c = config.inChannels();
        if ((x.rank() != 2 && x.rank() != 3) || x.shape().dim(-2) != c) {
            throw new IllegalArgumentException(this + ": expected input [N, " + c + ", L] or [" + c + ", L], got "
                    + x.shape());
        }
        int heightAxis = x.rank() - 1;
        return Functional.conv2d(x.unsqueeze(heightAxis), weight().unsqueeze(2), bias(), spec).squeeze(heightAxis);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(config.inChannels()).append(", ").append(config.outChannels())
                .append(", kernel_size=(").append(config.kernel()).append(",), stride=(").append(config.stride())
                .append(",)");
        if (config.paddingMode() != Padding.EXPLICIT) {
            sb.append(", padding=").append(config.paddingMode().name().toLowerCase(Locale.ROOT));
        } else if (config.padLeft() == config.padRight()) {
            if (config.padLeft() != 0) {
                sb.append(", padding=(").append(config.padLeft()).append(",)");
            }
        } else {
            sb.append(", padding=").append(pair(config.padLeft(), config.padRight()));
        }
        if (config.dilation() != 1) {
            sb.append(", dilation=(").append(config.dilation()).append(",)");
        }
        if (config.groups() != 1) {
            sb.append(", groups=").append(config.groups());
        }
        if (!config.bias()) {
            sb.append(", bias=False");
        }
        return sb.toString();
    }
}

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
import java.util.Objects;

/**
 * A 2-D convolution (cross-correlation) over NCHW images, as PyTorch's {@code nn.Conv2d}: weight
 * {@code [out, in / groups, kH, kW]}, optional bias {@code [out]}.
 *
 * <pre>{@code
 * Conv2d.of(1, 32, 5).padding(2)              // 28x28 -> 28x28
 * Conv2d.of(32, 64, 3).stride(2).padding(1)   // halves H and W
 * Conv2d.of(16, 16, 4).padding(Padding.SAME)  // even kernel: the extra row/column of padding goes bottom/right
 * Conv2d.of(32, 32, 3).groups(32).bias(false) // depthwise
 * }</pre>
 */
public final class Conv2d extends AbstractLayer {

    /**
     * Plain-data description of a {@link Conv2d} layer. The four pads are used with
     * {@link Padding#EXPLICIT} and are 0 otherwise (SAME computes its padding from kernel and dilation).
     *
     * @param biasInit the bias initialiser, or {@code null} for PyTorch's default
     *     {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} with {@code fanIn = in / groups * kH * kW}
     */
    public record Config(
            int inChannels,
            int outChannels,
            int kernelH,
            int kernelW,
            int strideH,
            int strideW,
            Padding paddingMode,
            int padTop,
            int padBottom,
            int padLeft,
            int padRight,
            int dilationH,
            int dilationW,
            int groups,
            boolean bias,
            Init weightInit,
            Init biasInit,
            DType dtype) implements LayerConfig<Conv2d> {

        public Config {
            checkArgument(inChannels >= 1 && outChannels >= 1, "Conv2d: in and out channels must be >= 1, got %s and %s",
                    inChannels, outChannels);
            checkArgument(kernelH >= 1 && kernelW >= 1, "Conv2d: kernel size must be >= 1, got %sx%s", kernelH, kernelW);
            checkArgument(strideH >= 1 && strideW >= 1, "Conv2d: stride must be >= 1, got %sx%s", strideH, strideW);
            checkArgument(dilationH >= 1 && dilationW >= 1, "Conv2d: dilation must be >= 1, got %sx%s", dilationH,
                    dilationW);
            checkArgument(padTop >= 0 && padBottom >= 0 && padLeft >= 0 && padRight >= 0,
                    "Conv2d: padding must be >= 0, got top %s, bottom %s, left %s, right %s", padTop, padBottom,
                    padLeft, padRight);
            Objects.requireNonNull(paddingMode, "Conv2d: paddingMode");
            checkArgument(paddingMode == Padding.EXPLICIT || (padTop | padBottom | padLeft | padRight) == 0,
                    "Conv2d: padding %s takes no explicit pads, got top %s, bottom %s, left %s, right %s", paddingMode,
                    padTop, padBottom, padLeft, padRight);
            checkArgument(paddingMode != Padding.SAME || (strideH == 1 && strideW == 1),
                    "Conv2d: padding SAME is not supported for strided convolutions (stride %sx%s), as in PyTorch; "
                            + "give explicit padding instead", strideH, strideW);
            checkArgument(groups >= 1, "Conv2d: groups must be >= 1, got %s", groups);
            checkArgument(inChannels % groups == 0, "Conv2d: in channels %s must be divisible by groups %s", inChannels,
                    groups);
            checkArgument(outChannels % groups == 0, "Conv2d: out channels %s must be divisible by groups %s",
                    outChannels, groups);
            Objects.requireNonNull(weightInit, "Conv2d: weightInit");
            checkArgument(dtype != null && dtype.isFloatingPoint(), "Conv2d: dtype must be FLOAT32 or FLOAT64, got %s",
                    dtype);
        }

        @Override
        public String type() {
            return "Conv2d";
        }

        /** Stride {@code s} along both axes. */
        public Config stride(int s) {
            return stride(s, s);
        }

        public Config stride(int h, int w) {
            return new Config(inChannels, outChannels, kernelH, kernelW, h, w, paddingMode, padTop, padBottom, padLeft,
                    padRight, dilationH, dilationW, groups, bias, weightInit, biasInit, dtype);
        }

        /** {@code p} zeros on every side. */
        public Config padding(int p) {
            return padding(p, p);
        }

        /** {@code h} rows above and below, {@code w} columns left and right. */
        public Config padding(int h, int w) {
            return padding(h, h, w, w);
        }

        /** Asymmetric padding. */
        public Config padding(int top, int bottom, int left, int right) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, Padding.EXPLICIT, top,
                    bottom, left, right, dilationH, dilationW, groups, bias, weightInit, biasInit, dtype);
        }

        /** {@link Padding#SAME} or {@link Padding#VALID} ({@link Padding#EXPLICIT} means zero padding). */
        public Config padding(Padding mode) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, mode, 0, 0, 0, 0, dilationH,
                    dilationW, groups, bias, weightInit, biasInit, dtype);
        }

        public Config dilation(int d) {
            return dilation(d, d);
        }

        public Config dilation(int h, int w) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, h, w, groups, bias, weightInit, biasInit, dtype);
        }

        public Config groups(int g) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, dilationH, dilationW, g, bias, weightInit, biasInit, dtype);
        }

        public Config bias(boolean value) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, dilationH, dilationW, groups, value, weightInit, biasInit, dtype);
        }

        public Config weightInit(Init value) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, dilationH, dilationW, groups, bias, value, biasInit, dtype);
        }

        /** The bias initialiser; {@code null} restores PyTorch's default. */
        public Config biasInit(Init value) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, dilationH, dilationW, groups, bias, weightInit, value, dtype);
        }

        @Override
        public Config dtype(DType value) {
            return new Config(inChannels, outChannels, kernelH, kernelW, strideH, strideW, paddingMode, padTop,
                    padBottom, padLeft, padRight, dilationH, dilationW, groups, bias, weightInit, biasInit, value);
        }

        /** The weight's shape {@code [out, in / groups, kH, kW]}. */
        public Shape weightShape() {
            return Shape.of(outChannels, inChannels / groups, kernelH, kernelW);
        }

        /** The convolution geometry, with SAME/VALID resolved to pads. */
        public ConvSpec spec() {
            int[] h = Padding.resolve(paddingMode, padTop, padBottom, kernelH, dilationH);
            int[] w = Padding.resolve(paddingMode, padLeft, padRight, kernelW, dilationW);
            return new ConvSpec(strideH, strideW, h[0], h[1], w[0], w[1], dilationH, dilationW, groups);
        }

        @Override
        public Conv2d init(Device device, RandomSource rng) {
            return new Conv2d(this, device, rng);
        }
    }

    /** {@code in -> out} channels with a square {@code kernel}: stride 1, no padding, bias, FLOAT32. */
    public static Config of(int inChannels, int outChannels, int kernel) {
        return of(inChannels, outChannels, kernel, kernel);
    }

    /** {@code in -> out} channels with a {@code kernelH x kernelW} kernel. */
    public static Config of(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Config(inChannels, outChannels, kernelH, kernelW, 1, 1, Padding.EXPLICIT, 0, 0, 0, 0, 1, 1, 1, true,
                Init.pytorchDefault(), null, DType.FLOAT32);
    }

    private final Config config;
    private final ConvSpec spec;

    private Conv2d(Config config, Device device, RandomSource rng) {
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

    /** The filters {@code [out, in / groups, kH, kW]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias {@code [out]}, or {@code null} without one. */
    public Tensor bias() {
        return config.bias() ? parameter("bias") : null;
    }

    /**
     * {@code [N, in, H, W] -> [N, out, outH, outW]} (or unbatched {@code [in, H, W] -> [out, outH, outW]})
     * with {@code outH = (H + padTop + padBottom - dilationH (kH - 1) - 1) / strideH + 1}, likewise
     * {@code outW}; SAME padding keeps {@code H} and {@code W}.
     *
     * @throws IllegalArgumentException naming the layer, the expected and the actual shape
     */
    @Override
    public Tensor forward(Tensor x) {
        int c = config.inChannels();
        if ((x.rank() != 3 && x.rank() != 4) || x.shape().dim(-3) != c) {
            throw new IllegalArgumentException(this + ": expected input [N, " + c + ", H, W] or [" + c
                    + ", H, W], got " + x.shape());
        }
        return Functional.conv2d(x, weight(), bias(), spec);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(config.inChannels()).append(", ").append(config.outChannels())
                .append(", kernel_size=").append(pair(config.kernelH(), config.kernelW()))
                .append(", stride=").append(pair(config.strideH(), config.strideW()));
        if (config.paddingMode() != Padding.EXPLICIT) {
            sb.append(", padding=").append(config.paddingMode().name().toLowerCase(java.util.Locale.ROOT));
        } else if (config.padTop() == config.padBottom() && config.padLeft() == config.padRight()) {
            if (config.padTop() != 0 || config.padLeft() != 0) {
                sb.append(", padding=").append(pair(config.padTop(), config.padLeft()));
            }
        } else {
            sb.append(", padding=(").append(config.padTop()).append(", ").append(config.padBottom()).append(", ")
                    .append(config.padLeft()).append(", ").append(config.padRight()).append(')');
        }
        if (config.dilationH() != 1 || config.dilationW() != 1) {
            sb.append(", dilation=").append(pair(config.dilationH(), config.dilationW()));
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

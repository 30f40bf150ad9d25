package dev.fovea.core.tensor;

import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;

/**
 * Convolution and pooling, like PyTorch's {@code torch.nn.functional}. All are differentiable; the
 * backward passes use the backend's {@code conv2dBackwardData}, {@code conv2dBackwardWeights} and
 * {@code pool2dBackward} kernels, and compute only the gradients that some input requires (the input
 * gradient of a network's first convolution, for instance, is never computed).
 *
 * <p>Images are NCHW: {@code [batch, channels, height, width]}; an unbatched {@code [C, H, W]} input
 * gives an unbatched output. Sequences are NCL.
 */
public final class Functional {
    private Functional() {}

    // ---- Convolution ----------------------------------------------------------------------------

    /**
     * 2-D convolution (cross-correlation).
     *
     * @param x input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param weight filters {@code [Cout, C / groups, kH, kW]}
     * @param bias {@code [Cout]}, or {@code null} for none
     * @param spec stride, padding (per side), dilation and groups
     * @return {@code [N, Cout, outH, outW]} (or {@code [Cout, outH, outW]}), with {@code outH} and
     *     {@code outW} from {@link ConvSpec#outHeight} and {@link ConvSpec#outWidth}
     * @throws IllegalArgumentException naming the shapes when they do not fit together
     */
    public static DenseTensor conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec spec) {
        DenseTensor input = DenseTensor.cast(x, "conv2d");
        if (input.rank() == 3) {
            return conv2d(input.unsqueeze(0), weight, bias, spec).squeeze(0);
        }
        DenseTensor w = DenseTensor.cast(weight, "conv2d");
        DenseTensor b = bias == null ? null : DenseTensor.cast(bias, "conv2d");
        check(input.rank() == 4, "conv2d: input must be [N, C, H, W] or [C, H, W], got shape %s", input.shape());
        check(w.rank() == 4, "conv2d: weight must be [Cout, C / groups, kH, kW], got shape %s", w.shape());
        input.checkSameDevice("conv2d", w);
        input.checkSameDtype("conv2d", w);
        input.requireFloat("conv2d");
        int groups = spec.groups();
        int channels = input.shape().dim(1);
        int outChannels = w.shape().dim(0);
        check(channels % groups == 0, "conv2d: input channels %s (input shape %s) are not divisible by groups %s",
                channels, input.shape(), groups);
        check(outChannels % groups == 0, "conv2d: output channels %s (weight shape %s) are not divisible by groups %s",
                outChannels, w.shape(), groups);
        check(w.shape().dim(1) == channels / groups,
                "conv2d: weight %s expects %s input channels per group, but input %s with groups %s has %s",
                w.shape(), w.shape().dim(1), input.shape(), groups, channels / groups);
        if (b != null) {
            input.checkSameDevice("conv2d", b);
            input.checkSameDtype("conv2d", b);
            check(b.shape().equals(Shape.of(outChannels)), "conv2d: bias must be [%s] for weight %s, got shape %s",
                    outChannels, w.shape(), b.shape());
        }
        int kh = w.shape().dim(2);
        int kw = w.shape().dim(3);
        int outH = spec.outHeight(input.shape().dim(2), kh);
        int outW = spec.outWidth(input.shape().dim(3), kw);
        check(outH > 0 && outW > 0, "conv2d: input %s is too small for kernel %sx%s with %s (output would be %sx%s)",
                input.shape(), kh, kw, spec, outH, outW);

        DenseTensor xc = input.isContiguous() ? input : input.copyContiguous();
        DenseTensor wc = w.isContiguous() ? w : w.copyContiguous();
        DenseTensor bc = b == null ? null : b.isContiguous() ? b : b.copyContiguous();
        Shape outShape = Shape.of(input.shape().dim(0), outChannels, outH, outW);
        DenseTensor out = DenseTensor.empty(input.backendDevice(), input.dtype(), outShape);
        input.backend().conv2d(xc.view(), wc.view(), bc == null ? null : bc.view(), out.view(), spec);
        return DenseTensor.record(out, "conv2d", g -> {
            DenseTensor gc = g.isContiguous() ? g : g.copyContiguous();
            DenseTensor gx = null;
            DenseTensor gw = null;
            DenseTensor gb = null;
            if (input.requiresGrad()) {
                gx = DenseTensor.empty(input.backendDevice(), input.dtype(), input.shape());
                input.backend().conv2dBackwardData(gc.view(), wc.view(), gx.view(), spec);
            }
            if (w.requiresGrad()) {
                gw = DenseTensor.empty(input.backendDevice(), input.dtype(), w.shape());
                input.backend().conv2dBackwardWeights(xc.view(), gc.view(), gw.view(), spec);
            }
            if (b != null && b.requiresGrad()) {
                gb = g.sum(new int[] {0, 2, 3}, false);
            }
            return new DenseTensor[] {gx, gw, gb};
        }, input, w, b);
    }

    /**
     * 1-D convolution, computed as a 2-D one with height 1.
     *
     * @param x input {@code [N, C, L]} or {@code [C, L]}
     * @param weight filters {@code [Cout, C / groups, k]}
     * @param bias {@code [Cout]} or {@code null}
     * @return {@code [N, Cout, outL]} (or {@code [Cout, outL]}) with
     *     {@code outL = (L + 2 padding - dilation (k - 1) - 1) / stride + 1}
     */
    public static DenseTensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        DenseTensor input = DenseTensor.cast(x, "conv1d");
        DenseTensor w = DenseTensor.cast(weight, "conv1d");
        check(input.rank() == 2 || input.rank() == 3, "conv1d: input must be [N, C, L] or [C, L], got shape %s",
                input.shape());
        check(w.rank() == 3, "conv1d: weight must be [Cout, C / groups, k], got shape %s", w.shape());
        int heightAxis = input.rank() - 1;
        ConvSpec spec = new ConvSpec(1, stride, 0, 0, padding, padding, 1, dilation, groups);
        return conv2d(input.unsqueeze(heightAxis), w.unsqueeze(2), bias, spec).squeeze(heightAxis);
    }

    // ---- Pooling --------------------------------------------------------------------------------

    /**
     * 2-D max pooling; padding counts as minus infinity. The gradient goes to the first maximal
     * element of each window.
     *
     * @param x {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return {@code [N, C, outH, outW]} (or {@code [C, outH, outW]}), sizes from {@link PoolSpec}
     */
    public static DenseTensor maxPool2d(Tensor x, PoolSpec spec) {
        return pool2d("maxPool2d", PoolOp.MAX, x, spec);
    }

    /**
     * 2-D average pooling; see {@link PoolSpec#countIncludePad()} for windows that overlap padding.
     *
     * @param x {@code [N, C, H, W]} or {@code [C, H, W]}
     * @return {@code [N, C, outH, outW]} (or {@code [C, outH, outW]}), sizes from {@link PoolSpec}
     */
    public static DenseTensor avgPool2d(Tensor x, PoolSpec spec) {
        return pool2d("avgPool2d", PoolOp.AVG, x, spec);
    }

    /** 1-D max pooling of {@code [N, C, L]} or {@code [C, L]}: {@code outL = (L - kernel) / stride + 1}. */
    public static DenseTensor maxPool1d(Tensor x, int kernel, int stride) {
        return maxPool1d(x, kernel, stride, 0);
    }

    /** 1-D max pooling with {@code padding} (minus infinity) on both ends: {@code outL = (L + 2 padding - kernel) / stride + 1}. */
    public static DenseTensor maxPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool1d("maxPool1d", PoolOp.MAX, x, kernel, stride, padding);
    }

    /** 1-D average pooling of {@code [N, C, L]} or {@code [C, L]}: {@code outL = (L - kernel) / stride + 1}. */
    public static DenseTensor avgPool1d(Tensor x, int kernel, int stride) {
        return avgPool1d(x, kernel, stride, 0);
    }

    /** 1-D average pooling with zero {@code padding} counted in the window size, as PyTorch's default. */
    public static DenseTensor avgPool1d(Tensor x, int kernel, int stride, int padding) {
        return pool1d("avgPool1d", PoolOp.AVG, x, kernel, stride, padding);
    }

    private static DenseTensor pool1d(String name, PoolOp op, Tensor x, int kernel, int stride, int padding) {
        DenseTensor input = DenseTensor.cast(x, name);
        check(input.rank() == 2 || input.rank() == 3, "%s: input must be [N, C, L] or [C, L], got shape %s", name,
                input.shape());
        int heightAxis = input.rank() - 1;
        PoolSpec spec = new PoolSpec(1, kernel, 1, stride, 0, padding, true);
        return pool2d(name, op, input.unsqueeze(heightAxis), spec).squeeze(heightAxis);
    }

    private static DenseTensor pool2d(String name, PoolOp op, Tensor x, PoolSpec spec) {
        DenseTensor input = DenseTensor.cast(x, name);
        if (input.rank() == 3) {
            return pool2d(name, op, input.unsqueeze(0), spec).squeeze(0);
        }
        check(input.rank() == 4, "%s: input must be [N, C, H, W] or [C, H, W], got shape %s", name, input.shape());
        input.requireFloat(name);
        int outH = spec.outHeight(input.shape().dim(2));
        int outW = spec.outWidth(input.shape().dim(3));
        check(outH > 0 && outW > 0 && input.shape().dim(2) + 2 * spec.padH() >= spec.kernelH()
                        && input.shape().dim(3) + 2 * spec.padW() >= spec.kernelW(),
                "%s: input %s is too small for %s", name, input.shape(), spec);
        DenseTensor xc = input.isContiguous() ? input : input.copyContiguous();
        Shape outShape = Shape.of(input.shape().dim(0), input.shape().dim(1), outH, outW);
        DenseTensor out = DenseTensor.empty(input.backendDevice(), input.dtype(), outShape);
        input.backend().pool2d(op, xc.view(), out.view(), spec);
        return DenseTensor.record(out, name, g -> {
            DenseTensor gc = g.isContiguous() ? g : g.copyContiguous();
            DenseTensor gx = DenseTensor.empty(input.backendDevice(), input.dtype(), input.shape());
            input.backend().pool2dBackward(op, xc.view(), gc.view(), gx.view(), spec);
            return new DenseTensor[] {gx};
        }, input);
    }

    private static void check(boolean condition, String template, Object... args) {
        if (!condition) {
            throw new IllegalArgumentException(String.format(template, args));
        }
    }
}

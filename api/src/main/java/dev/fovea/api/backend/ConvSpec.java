package dev.fovea.api.backend;

import dev.fovea.api.Shape;
import java.util.Objects;

/**
 * Geometry of a 2-D convolution (a cross-correlation, as in every CNN library): per-axis stride,
 * zero padding on each side (asymmetric padding serves "same" with even kernels), dilation and
 * groups.
 *
 * <p>Output size along H is {@code (H + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH + 1},
 * and likewise along W.
 */
public record ConvSpec(
        int strideH,
        int strideW,
        int padTop,
        int padBottom,
        int padLeft,
        int padRight,
        int dilationH,
        int dilationW,
        int groups) {

    public ConvSpec {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d stride must be >= 1, got " + strideH + "x" + strideW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d dilation must be >= 1, got " + dilationH + "x" + dilationW);
        }
        if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
            throw new IllegalArgumentException("conv2d padding must be >= 0, got " + padTop + "," + padBottom + ","
                    + padLeft + "," + padRight);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d groups must be >= 1, got " + groups);
        }
    }

    /** Stride 1, no padding, no dilation, one group. */
    public static ConvSpec defaults() {
        return new ConvSpec(1, 1, 0, 0, 0, 0, 1, 1, 1);
    }

    /** Same stride, symmetric padding and dilation on both axes. */
    public static ConvSpec of(int stride, int padding, int dilation, int groups) {
        return new ConvSpec(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
    }

    /** Output height for input height {@code h} and kernel height {@code kh}. */
    public int outHeight(int h, int kh) {
        // floor, not truncation: a kernel larger than the padded input must give 0, not 1
        return Math.floorDiv(h + padTop + padBottom - dilationH * (kh - 1) - 1, strideH) + 1;
    }

    /** Output width for input width {@code w} and kernel width {@code kw}. */
    public int outWidth(int w, int kw) {
        return Math.floorDiv(w + padLeft + padRight - dilationW * (kw - 1) - 1, strideW) + 1;
    }

    /**
     * Checks that {@code x: [N, C, H, W]}, {@code w: [Cout, C / groups, kH, kW]} and {@code out}
     * agree under this geometry, as every backend's conv2d kernels must before touching memory.
     *
     * @param kernel the kernel's name, for the message
     * @param out the output of the forward kernel, or the output gradient of the backward ones
     * @throws IllegalArgumentException naming the kernel and the shapes when they do not agree
     */
    public void checkShapes(String kernel, Shape x, Shape w, Shape out) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(out, "out");
        if (x.rank() != 4 || w.rank() != 4 || out.rank() != 4) {
            throw new IllegalArgumentException(kernel + ": x, w and out must be rank 4 (NCHW), got x " + x + ", w "
                    + w + ", out " + out);
        }
        int c = x.dim(1);
        int cout = w.dim(0);
        if (c % groups != 0 || cout % groups != 0 || w.dim(1) != c / groups) {
            throw new IllegalArgumentException(kernel + ": with " + groups + " groups, x " + x + " needs w [Cout, "
                    + (c % groups == 0 ? String.valueOf(c / groups) : "C/groups") + ", kH, kW] with Cout divisible by "
                    + groups + ", got w " + w);
        }
        int oh = outHeight(x.dim(2), w.dim(2));
        int ow = outWidth(x.dim(3), w.dim(3));
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(kernel + ": kernel " + w.dim(2) + "x" + w.dim(3) + " with " + this
                    + " does not fit the input " + x);
        }
        Shape expected = Shape.of(x.dim(0), cout, oh, ow);
        if (!out.equals(expected)) {
            throw new IllegalArgumentException(kernel + ": x " + x + " and w " + w + " with " + this + " give "
                    + expected + ", but the output/gradient is " + out);
        }
    }
}

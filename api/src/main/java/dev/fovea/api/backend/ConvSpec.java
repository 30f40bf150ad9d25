package dev.fovea.api.backend;

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
        return (h + padTop + padBottom - dilationH * (kh - 1) - 1) / strideH + 1;
    }

    /** Output width for input width {@code w} and kernel width {@code kw}. */
    public int outWidth(int w, int kw) {
        return (w + padLeft + padRight - dilationW * (kw - 1) - 1) / strideW + 1;
    }
}

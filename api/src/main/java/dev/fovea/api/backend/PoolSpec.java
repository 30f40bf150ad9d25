package dev.fovea.api.backend;

import dev.fovea.api.Shape;
import java.util.Objects;

/**
 * Geometry of a 2-D pooling window. Output size along H is
 * {@code (H + 2 * padH - kernelH) / strideH + 1} (floor), and likewise along W.
 *
 * @param countIncludePad for AVG: divide by the full window size even where it overlaps the
 *     padding (PyTorch's default), rather than by the number of real elements
 */
public record PoolSpec(
        int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean countIncludePad) {

    public PoolSpec {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool2d kernel and stride must be >= 1, got kernel " + kernelH + "x"
                    + kernelW + ", stride " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0 || padH * 2 > kernelH || padW * 2 > kernelW) {
            throw new IllegalArgumentException("pool2d padding must be between 0 and half the kernel, got " + padH
                    + "x" + padW + " for kernel " + kernelH + "x" + kernelW);
        }
    }

    /** A square window of size {@code kernel} moved by {@code stride}, no padding. */
    public static PoolSpec of(int kernel, int stride) {
        return new PoolSpec(kernel, kernel, stride, stride, 0, 0, true);
    }

    public int outHeight(int h) {
        // floor, not truncation: a window larger than the padded input must give 0, not 1
        return Math.floorDiv(h + 2 * padH - kernelH, strideH) + 1;
    }

    public int outWidth(int w) {
        return Math.floorDiv(w + 2 * padW - kernelW, strideW) + 1;
    }

    /**
     * Checks that {@code x: [N, C, H, W]} and {@code out: [N, C, outH, outW]} agree under this
     * window, as every backend's pooling kernels must before touching memory.
     *
     * @param kernel the kernel's name, for the message
     * @param out the output of the forward kernel, or the output gradient of the backward one
     * @throws IllegalArgumentException naming the kernel and the shapes when they do not agree
     */
    public void checkShapes(String kernel, Shape x, Shape out) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        if (x.rank() != 4 || out.rank() != 4) {
            throw new IllegalArgumentException(kernel + ": x and out must be rank 4 (NCHW), got x " + x + ", out "
                    + out);
        }
        int oh = outHeight(x.dim(2));
        int ow = outWidth(x.dim(3));
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException(kernel + ": window " + kernelH + "x" + kernelW + " with padding "
                    + padH + "x" + padW + " does not fit the input " + x);
        }
        Shape expected = Shape.of(x.dim(0), x.dim(1), oh, ow);
        if (!out.equals(expected)) {
            throw new IllegalArgumentException(kernel + ": x " + x + " with " + this + " gives " + expected
                    + ", but the output/gradient is " + out);
        }
    }
}

package dev.fovea.api.backend;

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
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    public int outWidth(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }
}

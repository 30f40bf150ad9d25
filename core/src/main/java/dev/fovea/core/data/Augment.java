package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;

/**
 * Simple seeded augmentations for image examples shaped {@code [..., height, width]}, as
 * {@link ExampleTransform}s for {@link DataLoader#transform}. They work in place and
 * allocate nothing. Apply them before {@link Normalize}, so that padding means "black".
 */
public final class Augment {
    private Augment() {}

    /**
     * Mirrors the example left-to-right (reverses its last axis) with probability
     * {@code probability}, decided by one {@code rng.nextDouble()} draw.
     */
    public static ExampleTransform horizontalFlip(double probability) {
        Preconditions.checkArgument(probability >= 0 && probability <= 1,
                "probability must be in [0, 1], got %s", probability);
        return (data, offset, shape, rng) -> {
            if (rng.nextDouble() >= probability) {
                return;
            }
            Preconditions.checkArgument(shape.rank() >= 1, "horizontalFlip needs at least one axis, got %s", shape);
            int width = shape.dim(-1);
            long rows = shape.numel() / Math.max(width, 1);
            for (long r = 0; r < rows; r++) {
                int start = offset + (int) (r * width);
                for (int i = 0, j = width - 1; i < j; i++, j--) {
                    float t = data[start + i];
                    data[start + i] = data[start + j];
                    data[start + j] = t;
                }
            }
        };
    }

    /**
     * Moves the image by a random whole number of pixels, {@code dy} and {@code dx} each uniform in
     * {@code [-maxShift, maxShift]} (drawn in that order), filling the uncovered border with
     * {@code fill}. This equals torchvision's {@code RandomCrop(size, padding=maxShift, fill=fill)}:
     * pad every side by {@code maxShift}, then crop a window of the original size.
     *
     * @param fill the value of pixels shifted in from outside, usually 0
     */
    public static ExampleTransform randomShift(int maxShift, float fill) {
        Preconditions.checkArgument(maxShift >= 0, "maxShift must not be negative, got %s", maxShift);
        return (data, offset, shape, rng) -> {
            Preconditions.checkArgument(shape.rank() >= 2,
                    "randomShift needs examples shaped [..., height, width], got %s", shape);
            int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
            int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
            shift(data, offset, shape, dy, dx, fill);
        };
    }

    /** {@link #randomShift(int, float)} with zero fill. */
    public static ExampleTransform randomShift(int maxShift) {
        return randomShift(maxShift, 0f);
    }

    /**
     * Sets {@code out(y, x) = in(y + dy, x + dx)} in every {@code [height, width]} plane, or
     * {@code fill} where that falls outside; in place.
     */
    static void shift(float[] data, int offset, Shape shape, int dy, int dx, float fill) {
        int h = shape.dim(-2);
        int w = shape.dim(-1);
        int plane = h * w;
        if (plane == 0) {
            return;
        }
        long planes = shape.numel() / plane;
        // The source of each pixel lies after it (ascending order is safe) or before it (descending).
        boolean ascending = dy * w + dx >= 0;
        for (long p = 0; p < planes; p++) {
            int base = offset + (int) (p * plane);
            for (int k = 0; k < plane; k++) {
                int i = ascending ? k : plane - 1 - k;
                int y = i / w + dy;
                int x = i % w + dx;
                data[base + i] = y >= 0 && y < h && x >= 0 && x < w ? data[base + y * w + x] : fill;
            }
        }
    }
}

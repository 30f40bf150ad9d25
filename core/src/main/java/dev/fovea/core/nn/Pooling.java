package dev.fovea.core.nn;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;

/** Shared checks and printing of the pooling layers. */
final class Pooling {
    private Pooling() {}

    static void checkImage(Layer layer, Tensor x) {
        if (x.rank() != 3 && x.rank() != 4) {
            throw new IllegalArgumentException(layer + ": expected input [N, C, H, W] or [C, H, W], got " + x.shape());
        }
    }

    static void checkSequence(Layer layer, Tensor x) {
        if (x.rank() != 2 && x.rank() != 3) {
            throw new IllegalArgumentException(layer + ": expected input [N, C, L] or [C, L], got " + x.shape());
        }
    }

    static String size(int h, int w) {
        return h == w ? Integer.toString(h) : AbstractLayer.pair(h, w);
    }

    static String repr(int kh, int kw, int sh, int sw, int ph, int pw) {
        return "kernel_size=" + size(kh, kw) + ", stride=" + size(sh, sw) + ", padding=" + size(ph, pw);
    }
}

package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.RandomSource;

/**
 * 2-D max pooling over NCHW images, as PyTorch's {@code nn.MaxPool2d} (no dilation, floor mode):
 * padding counts as minus infinity; the gradient goes to the first maximum of each window.
 *
 * <pre>{@code
 * MaxPool2d.of(2)                // 2x2 windows, stride 2: halves H and W
 * MaxPool2d.of(3).stride(2).padding(1)
 * }</pre>
 */
public final class MaxPool2d extends StatelessLayer<MaxPool2d.Config> {

    /** Plain-data description of a {@link MaxPool2d} layer. */
    public record Config(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) implements LayerConfig<MaxPool2d> {
        public Config {
            checkArgument(kernelH >= 1 && kernelW >= 1 && strideH >= 1 && strideW >= 1,
                    "MaxPool2d: kernel and stride must be >= 1, got kernel %sx%s, stride %sx%s", kernelH, kernelW,
                    strideH, strideW);
            checkArgument(padH >= 0 && padW >= 0 && 2 * padH <= kernelH && 2 * padW <= kernelW,
                    "MaxPool2d: padding must be between 0 and half the kernel, got %sx%s for kernel %sx%s", padH, padW,
                    kernelH, kernelW);
        }

        @Override
        public String type() {
            return "MaxPool2d";
        }

        public Config stride(int s) {
            return stride(s, s);
        }

        public Config stride(int h, int w) {
            return new Config(kernelH, kernelW, h, w, padH, padW);
        }

        public Config padding(int p) {
            return padding(p, p);
        }

        public Config padding(int h, int w) {
            return new Config(kernelH, kernelW, strideH, strideW, h, w);
        }

        /** The pooling geometry. */
        public PoolSpec spec() {
            return new PoolSpec(kernelH, kernelW, strideH, strideW, padH, padW, true);
        }

        @Override
        public MaxPool2d init(Device device, RandomSource rng) {
            return new MaxPool2d(this);
        }
    }

    /** Square windows of {@code kernel}, stride {@code kernel}, no padding. */
    public static Config of(int kernel) {
        return of(kernel, kernel);
    }

    /** {@code kernelH x kernelW} windows, stride equal to the kernel, no padding. */
    public static Config of(int kernelH, int kernelW) {
        return new Config(kernelH, kernelW, kernelH, kernelW, 0, 0);
    }

    private MaxPool2d(Config config) {
        super(config);
    }

    /**
     * {@code [N, C, H, W] -> [N, C, outH, outW]} (or {@code [C, H, W] -> [C, outH, outW]}) with
     * {@code outH = (H + 2 padH - kH) / strideH + 1}, likewise {@code outW}.
     */
    @Override
    public Tensor forward(Tensor x) {
        Pooling.checkImage(this, x);
        return Functional.maxPool2d(x, config().spec());
    }

    @Override
    protected String extraRepr() {
        Config c = config();
        return Pooling.repr(c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padH(), c.padW());
    }
}

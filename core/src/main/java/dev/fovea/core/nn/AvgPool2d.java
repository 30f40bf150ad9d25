package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.RandomSource;

/**
 * 2-D average pooling over NCHW images, as PyTorch's {@code nn.AvgPool2d} (floor mode). With
 * {@code countIncludePad} (the default) windows that overlap the zero padding divide by the full window
 * size; without it, by the number of real elements.
 *
 * <pre>{@code
 * AvgPool2d.of(2)
 * AvgPool2d.of(3).stride(1).padding(1).countIncludePad(false)
 * }</pre>
 */
public final class AvgPool2d extends StatelessLayer<AvgPool2d.Config> {

    /** Plain-data description of an {@link AvgPool2d} layer. */
    public record Config(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
            boolean countIncludePad) implements LayerConfig<AvgPool2d> {
        public Config {
            checkArgument(kernelH >= 1 && kernelW >= 1 && strideH >= 1 && strideW >= 1,
                    "AvgPool2d: kernel and stride must be >= 1, got kernel %sx%s, stride %sx%s", kernelH, kernelW,
                    strideH, strideW);
            checkArgument(padH >= 0 && padW >= 0 && 2 * padH <= kernelH && 2 * padW <= kernelW,
                    "AvgPool2d: padding must be between 0 and half the kernel, got %sx%s for kernel %sx%s", padH, padW,
                    kernelH, kernelW);
        }

        @Override
        public String type() {
            return "AvgPool2d";
        }

        public Config stride(int s) {
            return stride(s, s);
        }

        public Config stride(int h, int w) {
            return new Config(kernelH, kernelW, h, w, padH, padW, countIncludePad);
        }

        public Config padding(int p) {
            return padding(p, p);
        }

        public Config padding(int h, int w) {
            return new Config(kernelH, kernelW, strideH, strideW, h, w, countIncludePad);
        }

        public Config countIncludePad(boolean value) {
            return new Config(kernelH, kernelW, strideH, strideW, padH, padW, value);
        }

        /** The pooling geometry. */
        public PoolSpec spec() {
            return new PoolSpec(kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad);
        }

        @Override
        public AvgPool2d init(Device device, RandomSource rng) {
            return new AvgPool2d(this);
        }
    }

    /** Square windows of {@code kernel}, stride {@code kernel}, no padding, padding counted. */
    public static Config of(int kernel) {
        return of(kernel, kernel);
    }

    public static Config of(int kernelH, int kernelW) {
        return new Config(kernelH, kernelW, kernelH, kernelW, 0, 0, true);
    }

    private AvgPool2d(Config config) {
        super(config);
    }

    /**
     * {@code [N, C, H, W] -> [N, C, outH, outW]} (or {@code [C, H, W] -> [C, outH, outW]}) with
     * {@code outH = (H + 2 padH - kH) / strideH + 1}, likewise {@code outW}.
     */
    @Override
    public Tensor forward(Tensor x) {
        Pooling.checkImage(this, x);
        return Functional.avgPool2d(x, config().spec());
    }

    @Override
    protected String extraRepr() {
        Config c = config();
        return Pooling.repr(c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padH(), c.padW())
                + (c.countIncludePad() ? "" : ", count_include_pad=False");
    }
}

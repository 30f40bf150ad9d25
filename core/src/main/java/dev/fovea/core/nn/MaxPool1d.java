package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.RandomSource;

/**
 * 1-D max pooling over NCL sequences, as PyTorch's {@code nn.MaxPool1d} (no dilation, floor mode);
 * padding counts as minus infinity.
 *
 * <pre>{@code
 * MaxPool1d.of(2)                 // halves L
 * MaxPool1d.of(3).stride(1).padding(1)
 * }</pre>
 */
public final class MaxPool1d extends StatelessLayer<MaxPool1d.Config> {

    /** Plain-data description of a {@link MaxPool1d} layer. */
    public record Config(int kernel, int stride, int padding) implements LayerConfig<MaxPool1d> {
        public Config {
            checkArgument(kernel >= 1 && stride >= 1, "MaxPool1d: kernel and stride must be >= 1, got %s and %s", kernel,
                    stride);
            checkArgument(padding >= 0 && 2 * padding <= kernel,
                    "MaxPool1d: padding must be between 0 and half the kernel, got %s for kernel %s", padding, kernel);
        }

        @Override
        public String type() {
            return "MaxPool1d";
        }

        public Config stride(int s) {
            return new Config(kernel, s, padding);
        }

        public Config padding(int p) {
            return new Config(kernel, stride, p);
        }

        @Override
        public MaxPool1d init(Device device, RandomSource rng) {
            return new MaxPool1d(this);
        }
    }

    /** Windows of {@code kernel}, stride {@code kernel}, no padding. */
    public static Config of(int kernel) {
        return new Config(kernel, kernel, 0);
    }

    private MaxPool1d(Config config) {
        super(config);
    }

    /** {@code [N, C, L] -> [N, C, outL]} (or {@code [C, L] -> [C, outL]}), {@code outL = (L + 2 padding - k) / stride + 1}. */
    @Override
    public Tensor forward(Tensor x) {
        Pooling.checkSequence(this, x);
        Config c = config();
        return Functional.maxPool1d(x, c.kernel(), c.stride(), c.padding());
    }

    @Override
    protected String extraRepr() {
        Config c = config();
        return "kernel_size=" + c.kernel() + ", stride=" + c.stride() + ", padding=" + c.padding();
    }
}

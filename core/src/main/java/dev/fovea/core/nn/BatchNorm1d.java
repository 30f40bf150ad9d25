package dev.fovea.core.nn;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/**
 * Batch normalisation of {@code [N, C] -> [N, C]} or {@code [N, C, L] -> [N, C, L]}: statistics per channel over N (and L).
 * As PyTorch's {@code nn.BatchNorm1d}: eps 1e-5, momentum 0.1 by default; affine weight (ones) and
 * bias (zeros); buffers {@code running_mean}, {@code running_var} and {@code num_batches_tracked}
 * (a rank-0 INT32 counter). Training mode normalises with the batch statistics (biased variance) and
 * updates the running ones in place ({@code running = (1 - momentum) running + momentum batch}, unbiased
 * variance); evaluation mode normalises with the running statistics.
 *
 * <pre>{@code
 * BatchNorm1d.of(32)
 * BatchNorm1d.of(32).momentum(0.01).eps(1e-3).affine(false)
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {

    /** Plain-data description of a {@link BatchNorm1d} layer. */
    public record Config(int numFeatures, double eps, double momentum, boolean affine, DType dtype)
            implements LayerConfig<BatchNorm1d> {
        public Config {
            checkConfig("BatchNorm1d", numFeatures, eps, momentum, dtype);
        }

        @Override
        public String type() {
            return "BatchNorm1d";
        }

        public Config eps(double value) {
            return new Config(numFeatures, value, momentum, affine, dtype);
        }

        public Config momentum(double value) {
            return new Config(numFeatures, eps, value, affine, dtype);
        }

        /** With or without the learnable weight and bias. */
        public Config affine(boolean value) {
            return new Config(numFeatures, eps, momentum, value, dtype);
        }

        @Override
        public Config dtype(DType value) {
            return new Config(numFeatures, eps, momentum, affine, value);
        }

        @Override
        public BatchNorm1d init(Device device, RandomSource rng) {
            return new BatchNorm1d(this, device);
        }
    }

    /** {@code numFeatures} channels, eps 1e-5, momentum 0.1, affine, FLOAT32. */
    public static Config of(int numFeatures) {
        return new Config(numFeatures, 1e-5, 0.1, true, DType.FLOAT32);
    }

    private final Config config;

    private BatchNorm1d(Config config, Device device) {
        super(config, device, config.numFeatures(), config.eps(), config.momentum(), config.affine(), config.dtype());
        this.config = config;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedShapes() {
        return "[N, " + config.numFeatures() + "] or [N, " + config.numFeatures() + ", L]";
    }

    /** {@code [N, C] -> [N, C]} or {@code [N, C, L] -> [N, C, L]}: statistics per channel over N (and L). */
    @Override
    public Tensor forward(Tensor x) {
        return super.forward(x);
    }
}

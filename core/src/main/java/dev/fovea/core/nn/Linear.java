package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.RandomSource;
import java.util.Objects;

/**
 * A fully connected layer, {@code y = x W^T + b}, with {@code weight [out, in]} and {@code bias [out]}
 * as in PyTorch's {@code nn.Linear}.
 *
 * <pre>{@code
 * Linear fc = Linear.of(3136, 128).init(device, rng);
 * Linear head = Linear.of(128, 10).bias(false).weightInit(Init.xavierUniform()).init(device, rng);
 * }</pre>
 */
public final class Linear extends AbstractLayer {

    /**
     * Plain-data description of a {@link Linear} layer.
     *
     * @param biasInit the bias initialiser, or {@code null} for PyTorch's default
     *     {@code U(-1/sqrt(in), 1/sqrt(in))}
     */
    public record Config(int inFeatures, int outFeatures, boolean bias, Init weightInit, Init biasInit, DType dtype)
            implements LayerConfig<Linear> {
        public Config {
            checkArgument(inFeatures >= 1 && outFeatures >= 1,
                    "Linear: in and out features must be >= 1, got %s and %s", inFeatures, outFeatures);
            Objects.requireNonNull(weightInit, "Linear: weightInit");
            checkArgument(dtype != null && dtype.isFloatingPoint(), "Linear: dtype must be FLOAT32 or FLOAT64, got %s",
                    dtype);
        }

        @Override
        public String type() {
            return "Linear";
        }

        /** With or without the bias term. */
        public Config bias(boolean value) {
            return new Config(inFeatures, outFeatures, value, weightInit, biasInit, dtype);
        }

        public Config weightInit(Init value) {
            return new Config(inFeatures, outFeatures, bias, value, biasInit, dtype);
        }

        /** The bias initialiser; {@code null} restores PyTorch's default. */
        public Config biasInit(Init value) {
            return new Config(inFeatures, outFeatures, bias, weightInit, value, dtype);
        }

        @Override
        public Config dtype(DType value) {
            return new Config(inFeatures, outFeatures, bias, weightInit, biasInit, value);
        }

        @Override
        public Linear init(Device device, RandomSource rng) {
            return new Linear(this, device, rng);
        }
    }

    /** {@code in -> out} features with bias and PyTorch's default initialisation, FLOAT32. */
    public static Config of(int inFeatures, int outFeatures) {
        return new Config(inFeatures, outFeatures, true, Init.pytorchDefault(), null, DType.FLOAT32);
    }

    private final Config config;

    private Linear(Config config, Device device, RandomSource rng) {
        super(config);
        this.config = config;
        WeightAndBias.register(this, device, config.dtype(), Shape.of(config.outFeatures(), config.inFeatures()),
                config.weightInit(), config.bias(), config.biasInit(), rng);
    }

    @Override
    public Config config() {
        return config;
    }

    /** The weight {@code [out, in]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The bias {@code [out]}, or {@code null} without one. */
    public Tensor bias() {
        return config.bias() ? parameter("bias") : null;
    }

    /**
     * {@code [..., in] -> [..., out]}: any number of leading dimensions, the last one the features.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the last dimension is not
     *     {@code in}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0 || x.shape().dim(-1) != config.inFeatures()) {
            throw new IllegalArgumentException(this + ": expected input [..., " + config.inFeatures() + "], got "
                    + x.shape());
        }
        Tensor y = x.matmul(weight().transpose(0, 1));
        return config.bias() ? y.add(bias()) : y;
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + config.inFeatures() + ", out_features=" + config.outFeatures() + ", bias="
                + py(config.bias());
    }
}

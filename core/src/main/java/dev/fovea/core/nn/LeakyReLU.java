package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Leaky ReLU: {@code x} where positive, {@code negativeSlope * x} elsewhere. Elementwise; no parameters. */
public final class LeakyReLU extends StatelessLayer<LeakyReLU.Config> {

    /** Plain-data description of a {@link LeakyReLU} layer. */
    public record Config(double negativeSlope) implements LayerConfig<LeakyReLU> {
        public Config {
            checkArgument(Double.isFinite(negativeSlope), "LeakyReLU: negative slope must be finite, got %s",
                    negativeSlope);
        }

        @Override
        public String type() {
            return "LeakyReLU";
        }

        public Config negativeSlope(double value) {
            return new Config(value);
        }

        @Override
        public LeakyReLU init(Device device, RandomSource rng) {
            return new LeakyReLU(this);
        }
    }

    /** Slope 0.01, PyTorch's default. */
    public static Config of() {
        return of(0.01);
    }

    public static Config of(double negativeSlope) {
        return new Config(negativeSlope);
    }

    private LeakyReLU(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(config().negativeSlope());
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + config().negativeSlope();
    }
}

package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Hyperbolic tangent. Elementwise; no parameters. */
public final class Tanh extends StatelessLayer<Tanh.Config> {

    /** Plain-data description of a {@link Tanh} layer (it has no options). */
    public record Config() implements LayerConfig<Tanh> {
        @Override
        public String type() {
            return "Tanh";
        }

        @Override
        public Tanh init(Device device, RandomSource rng) {
            return new Tanh(this);
        }
    }

    private static final Config CONFIG = new Config();

    /** The config of a {@link Tanh}. */
    public static Config of() {
        return CONFIG;
    }

    /** A ready {@link Tanh} (it has nothing to initialise). */
    public static Tanh create() {
        return new Tanh(CONFIG);
    }

    private Tanh(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}: {@code tanh(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}

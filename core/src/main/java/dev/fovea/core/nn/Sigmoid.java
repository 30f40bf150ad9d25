package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Logistic sigmoid, {@code 1 / (1 + exp(-x))}. Elementwise; no parameters. */
public final class Sigmoid extends StatelessLayer<Sigmoid.Config> {

    /** Plain-data description of a {@link Sigmoid} layer (it has no options). */
    public record Config() implements LayerConfig<Sigmoid> {
        @Override
        public String type() {
            return "Sigmoid";
        }

        @Override
        public Sigmoid init(Device device, RandomSource rng) {
            return new Sigmoid(this);
        }
    }

    private static final Config CONFIG = new Config();

    /** The config of a {@link Sigmoid}. */
    public static Config of() {
        return CONFIG;
    }

    /** A ready {@link Sigmoid} (it has nothing to initialise). */
    public static Sigmoid create() {
        return new Sigmoid(CONFIG);
    }

    private Sigmoid(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}: {@code 1 / (1 + exp(-x))}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}

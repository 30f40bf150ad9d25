package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Rectified linear unit, {@code max(x, 0)}. Elementwise; no parameters. */
public final class ReLU extends StatelessLayer<ReLU.Config> {

    /** Plain-data description of a {@link ReLU} layer (it has no options). */
    public record Config() implements LayerConfig<ReLU> {
        @Override
        public String type() {
            return "ReLU";
        }

        @Override
        public ReLU init(Device device, RandomSource rng) {
            return new ReLU(this);
        }
    }

    private static final Config CONFIG = new Config();

    /** The config of a {@link ReLU}. */
    public static Config of() {
        return CONFIG;
    }

    /** A ready {@link ReLU} (it has nothing to initialise). */
    public static ReLU create() {
        return new ReLU(CONFIG);
    }

    private ReLU(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}: {@code max(x, 0)}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}

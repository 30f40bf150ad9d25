package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Gaussian error linear unit, exact (erf) form as PyTorch's default {@code nn.GELU()}. Elementwise; no parameters. */
public final class GELU extends StatelessLayer<GELU.Config> {

    /** Plain-data description of a {@link GELU} layer (it has no options). */
    public record Config() implements LayerConfig<GELU> {
        @Override
        public String type() {
            return "GELU";
        }

        @Override
        public GELU init(Device device, RandomSource rng) {
            return new GELU(this);
        }
    }

    private static final Config CONFIG = new Config();

    /** The config of a {@link GELU}. */
    public static Config of() {
        return CONFIG;
    }

    /** A ready {@link GELU} (it has nothing to initialise). */
    public static GELU create() {
        return new GELU(CONFIG);
    }

    private GELU(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}: {@code x * Phi(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }
}

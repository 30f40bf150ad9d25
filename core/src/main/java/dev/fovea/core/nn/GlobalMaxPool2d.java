package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Global maximum pooling: the maximum of each channel's whole H x W map. */
public final class GlobalMaxPool2d extends StatelessLayer<GlobalMaxPool2d.Config> {

    /** Plain-data description of a {@link GlobalMaxPool2d} layer (it has no options). */
    public record Config() implements LayerConfig<GlobalMaxPool2d> {
        @Override
        public String type() {
            return "GlobalMaxPool2d";
        }

        @Override
        public GlobalMaxPool2d init(Device device, RandomSource rng) {
            return new GlobalMaxPool2d(this);
        }
    }

    private static final Config CONFIG = new Config();

    public static Config of() {
        return CONFIG;
    }

    private GlobalMaxPool2d(Config config) {
        super(config);
    }

    /** {@code [N, C, H, W] -> [N, C]} (or {@code [C, H, W] -> [C]}). */
    @Override
    public Tensor forward(Tensor x) {
        Pooling.checkImage(this, x);
        return x.flatten(x.rank() - 2).max(-1, false);
    }
}

package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Global mean pooling: the mean of each channel's whole H x W map. */
public final class GlobalAvgPool2d extends StatelessLayer<GlobalAvgPool2d.Config> {

    /** Plain-data description of a {@link GlobalAvgPool2d} layer (it has no options). */
    public record Config() implements LayerConfig<GlobalAvgPool2d> {
        @Override
        public String type() {
            return "GlobalAvgPool2d";
        }

        @Override
        public GlobalAvgPool2d init(Device device, RandomSource rng) {
            return new GlobalAvgPool2d(this);
        }
    }

    private static final Config CONFIG = new Config();

    public static Config of() {
        return CONFIG;
    }

    private GlobalAvgPool2d(Config config) {
        super(config);
    }

    /** {@code [N, C, H, W] -> [N, C]} (or {@code [C, H, W] -> [C]}). */
    @Override
    public Tensor forward(Tensor x) {
        Pooling.checkImage(this, x);
        return x.mean(new int[] {-2, -1}, false);
    }
}

package dev.fovea.core.io;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.AbstractLayer;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.RandomSource;

/** A test-only custom layer, {@code [..., features] -> [..., features]}: multiplies by a learned factor per feature. */
public final class Scale extends AbstractLayer {

    /** Its config, registered as "TestScale" by {@link TestLayerTypes} (META-INF/services). */
    public record Config(int features, Init init, Mode mode) implements LayerConfig<Scale> {
        @Override
        public String type() {
            return "TestScale";
        }

        @Override
        public Scale init(Device device, RandomSource rng) {
            return new Scale(this, device, rng);
        }
    }

    /** An enum component, to show that custom enums round-trip. */
    public enum Mode {
        MULTIPLY,
        DIVIDE
    }

    private final Config config;

    private Scale(Config config, Device device, RandomSource rng) {
        super(config);
        this.config = config;
        registerParameter("factor", config.init().create(device, DType.FLOAT32, Shape.of(config.features()), rng));
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public Tensor forward(Tensor x) {
        return config.mode() == Mode.MULTIPLY ? x.mul(parameter("factor")) : x.div(parameter("factor"));
    }

    /** A custom config no provider registers: saving a model that uses it must fail. */
    public record Unregistered() implements LayerConfig<Scale> {
        @Override
        public String type() {
            return "TestUnregistered";
        }

        @Override
        public Scale init(Device device, RandomSource rng) {
            return new Config(1, Init.ones(), Mode.MULTIPLY).init(device, rng);
        }
    }
}

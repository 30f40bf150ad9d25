package dev.fovea.core.nn;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/**
 * Softmax along one axis (the last by default): {@code exp(x) / sum(exp(x))}, computed without
 * overflow. For training a classifier feed logits to {@link Losses#crossEntropy} instead, which is
 * more stable than a softmax followed by a log.
 */
public final class Softmax extends StatelessLayer<Softmax.Config> {

    /** Plain-data description of a {@link Softmax} layer; {@code axis} may be negative. */
    public record Config(int axis) implements LayerConfig<Softmax> {
        @Override
        public String type() {
            return "Softmax";
        }

        public Config axis(int value) {
            return new Config(value);
        }

        @Override
        public Softmax init(Device device, RandomSource rng) {
            return new Softmax(this);
        }
    }

    /** Along the last axis. */
    public static Config of() {
        return of(-1);
    }

    public static Config of(int axis) {
        return new Config(axis);
    }

    private Softmax(Config config) {
        super(config);
    }

    /** {@code [...] -> [...]}: the values along {@code axis} become positive and sum to 1. */
    @Override
    public Tensor forward(Tensor x) {
        return x.softmax(config().axis());
    }

    @Override
    protected String extraRepr() {
        return "dim=" + config().axis();
    }
}

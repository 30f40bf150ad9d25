package com.example.swish;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.AbstractLayer;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.Locale;

/**
 * Swish with a learned slope, {@code y = x * sigmoid(beta * x)} (Ramachandran et al., 2017): a layer of
 * our own, composed of existing ops, so autograd derives its backward and the optimizer trains
 * {@code beta} like any weight.
 */
public final class Swish extends AbstractLayer {
    /** The type name written to model.json; qualified so it cannot clash with Fovea's or another library's. */
    public static final String TYPE = "com.example.Swish";

    /**
     * Plain data that rebuilds the layer: what a checkpoint writes as JSON.
     *
     * @param beta the slope {@code beta} starts at (it is then learned)
     * @param dtype the parameter's element type
     */
    public record Config(double beta, DType dtype) implements LayerConfig<Swish> {
        public Config {
            if (!Double.isFinite(beta)) {
                throw new IllegalArgumentException("Swish: beta must be finite, got " + beta);
            }
            if (dtype == null || !dtype.isFloatingPoint()) {
                throw new IllegalArgumentException("Swish: dtype must be FLOAT32 or FLOAT64, got " + dtype);
            }
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Config dtype(DType value) {
            return new Config(beta, value);
        }

        /** Draws nothing from {@code rng}: beta starts at the configured value. */
        @Override
        public Swish init(Device device, RandomSource rng) {
            return new Swish(this, device);
        }
    }

    /** The config of a Swish whose beta starts at {@code beta}, in FLOAT32. */
    public static Config of(double beta) {
        return new Config(beta, DType.FLOAT32);
    }

    private Swish(Config config, Device device) {
        super(config);
        registerParameter("beta", Tensors.full(device, config.dtype(), Shape.of(1), config.beta()));
    }

    /** The learned slope. */
    public double beta() {
        return parameter("beta").item();
    }

    /** Any shape to the same shape. */
    @Override
    public Tensor forward(Tensor x) {
        return x.mul(x.mul(parameter("beta")).sigmoid());
    }

    @Override
    protected String extraRepr() {
        return String.format(Locale.ROOT, "beta=%.4f", beta());
    }
}

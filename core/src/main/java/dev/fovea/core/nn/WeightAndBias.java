package dev.fovea.core.nn;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.core.nn.init.Init;
import dev.fovea.core.tensor.RandomSource;

/** The parameters of {@link Linear}, {@link Conv1d} and {@link Conv2d}: a weight and an optional bias. */
final class WeightAndBias {
    private WeightAndBias() {}

    /**
     * Registers {@code "weight"} of {@code weightShape} ({@code [out, ...]}) drawn from {@code weightInit}
     * and, with {@code bias}, {@code "bias"} of shape {@code [out]} drawn from {@code biasInit}, or from
     * {@link Init#biasDefault} for the weight's shape when that is null - in this order, so that the same
     * rng state gives the same values.
     */
    static void register(AbstractLayer layer, Device device, DType dtype, Shape weightShape, Init weightInit,
            boolean bias, Init biasInit, RandomSource rng) {
        layer.registerParameter("weight", weightInit.create(device, dtype, weightShape, rng));
        if (bias) {
            Init b = biasInit != null ? biasInit : Init.biasDefault(weightShape);
            layer.registerParameter("bias", b.create(device, dtype, Shape.of(weightShape.dim(0)), rng));
        }
    }
}

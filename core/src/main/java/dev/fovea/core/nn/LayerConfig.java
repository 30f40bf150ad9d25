package dev.fovea.core.nn;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.RandomSource;

/**
 * The description of a layer, from which {@link #init} builds it with fresh parameters.
 *
 * <p>Implementations are immutable records holding only plain data - primitives, strings, enums,
 * lists of nested {@code LayerConfig}s and {@link dev.fovea.core.nn.init.Init} records - so that a
 * checkpoint can write a model's structure as JSON and rebuild it; {@link #type()} is the stable name
 * written beside the fields. Options are set with fluent withers that return a modified copy:
 * {@code Conv2d.of(1, 32, 5).padding(2).bias(false)}. Invalid values are rejected when the config is
 * made, not when it is initialised.
 *
 * @param <L> the layer type {@link #init} builds
 */
public interface LayerConfig<L extends Layer> {

    /** The layer type's stable name, written to checkpoints (e.g. {@code "Conv2d"}). */
    String type();

    /**
     * Builds the layer on {@code device}, drawing its parameters (in a fixed order) from {@code rng}.
     * The same config, device kind and rng state give the same initial values on every backend.
     */
    L init(Device device, RandomSource rng);

    /** {@link #init(Device, RandomSource)} with a fresh stream seeded with {@code seed}. */
    default L init(Device device, long seed) {
        return init(device, new RandomSource(seed));
    }

    /** {@link #init(Device, long)} on {@link Devices#defaultDevice()}. */
    default L init(long seed) {
        return init(Devices.defaultDevice(), seed);
    }

    /**
     * This config with its parameters (and buffers) created in {@code dtype} - FLOAT32 by default,
     * FLOAT64 for gradient checks. Configs without parameters return themselves; containers pass it to
     * every child.
     */
    default LayerConfig<L> dtype(DType dtype) {
        return this;
    }
}

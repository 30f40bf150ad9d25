package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.RandomSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Layers applied one after the other, as PyTorch's {@code nn.Sequential}: children are named
 * {@code "0"}, {@code "1"}, ..., so parameters are {@code 0.weight}, {@code 0.bias}, {@code 3.weight}, ...
 *
 * <pre>{@code
 * Sequential model = Sequential.of(
 *         Conv2d.of(1, 32, 5).padding(2), ReLU.of(), MaxPool2d.of(2),
 *         Flatten.of(), Linear.of(6272, 10))
 *     .init(device, seed);
 * Sequential head = Sequential.ofLayers(Linear.of(128, 10).init(device, rng), ReLU.create());
 * }</pre>
 */
public final class Sequential extends AbstractLayer {

    /** Plain-data description of a {@link Sequential}: the children's configs, in order. */
    public record Config(List<LayerConfig<?>> layers) implements LayerConfig<Sequential> {
        public Config {
            Objects.requireNonNull(layers, "Sequential: layers");
            for (int i = 0; i < layers.size(); i++) {
                checkArgument(layers.get(i) != null, "Sequential: layer config %s is null", i);
            }
            layers = List.copyOf(layers);
        }

        @Override
        public String type() {
            return "Sequential";
        }

        /** This sequence with {@code more} appended. */
        public Config then(LayerConfig<?>... more) {
            List<LayerConfig<?>> all = new ArrayList<>(layers);
            all.addAll(List.of(more));
            return new Config(all);
        }

        /** Every child config in {@code dtype}. */
        @Override
        public Config dtype(DType dtype) {
            return new Config(layers.stream().<LayerConfig<?>>map(c -> c.dtype(dtype)).toList());
        }

        /** Builds every child, in order, from the same stream {@code rng}. */
        @Override
        public Sequential init(Device device, RandomSource rng) {
            List<Layer> built = new ArrayList<>(layers.size());
            for (LayerConfig<?> c : layers) {
                built.add(c.init(device, rng));
            }
            return new Sequential(this, built);
        }

        @Override
        public Sequential init(Device device, long seed) {
            return init(device, new RandomSource(seed));
        }

        @Override
        public Sequential init(long seed) {
            return init(Devices.defaultDevice(), seed);
        }
    }

    /** The config of a sequence of layers. */
    public static Config of(LayerConfig<?>... layers) {
        return new Config(List.of(layers));
    }

    /** A sequence of layers that are already built (they are used, not copied). */
    public static Sequential ofLayers(Layer... layers) {
        return ofLayers(List.of(layers));
    }

    /** A sequence of layers that are already built (they are used, not copied). */
    public static Sequential ofLayers(List<? extends Layer> layers) {
        return new Sequential(null, List.copyOf(layers));
    }

    private final Config config;
    private final List<Layer> layers;

    private Sequential(Config config, List<? extends Layer> layers) {
        super("Sequential");
        this.config = config;
        this.layers = List.copyOf(layers);
        for (int i = 0; i < this.layers.size(); i++) {
            registerChild(Integer.toString(i), this.layers.get(i));
        }
    }

    /**
     * The config that rebuilds this structure; for a sequence made of built layers, assembled from the
     * children's configs.
     *
     * @throws IllegalStateException if a child does not extend {@link AbstractLayer} (has no config)
     */
    @Override
    public Config config() {
        if (config != null) {
            return config;
        }
        List<LayerConfig<?>> configs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer child = layers.get(i);
            if (!(child instanceof AbstractLayer a)) {
                throw new IllegalStateException("Sequential child " + i + " (" + child.getClass().getName()
                        + ") does not extend AbstractLayer, so it has no LayerConfig");
            }
            configs.add(a.config());
        }
        return new Config(configs);
    }

    /** The children, in order. */
    public List<Layer> layers() {
        return layers;
    }

    /** Child {@code index}. */
    public Layer get(int index) {
        return layers.get(index);
    }

    public int size() {
        return layers.size();
    }

    /**
     * Applies each child to the previous one's output; the shapes are those of the first child's input
     * and the last child's output (the input itself for an empty sequence).
     *
     * @throws IllegalArgumentException when a child rejects its input; the message names the child's
     *     position and the child's own message
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer child = layers.get(i);
            try {
                y = child.forward(y);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Sequential layer " + i + " (" + Layers.layerName(child) + "): "
                        + e.getMessage(), e);
            }
        }
        return y;
    }
}

package dev.fovea.examples.extend;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.AbstractLayer;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.tensor.RandomSource;
import java.util.Objects;

/**
 * A custom layer composed of existing ops (depth 1): {@code y = x + body(x)}, the skip connection of a
 * ResNet block. Autograd differentiates it for free; as an {@link AbstractLayer} it has named children
 * ({@code body.0.weight}, ...) that optimizers and checkpoints key on; its {@link Config} is a record of
 * plain data (here, one nested layer config) that a checkpoint writes as JSON; and
 * {@link ExampleLayerTypes} registers it, so a saved model that contains it loads again.
 *
 * <pre>{@code
 * Sequential model = Sequential.of(
 *         Flatten.of(), Linear.of(64, 32), ReLU.of(),
 *         Residual.of(Sequential.of(Linear.of(32, 32), ReLU.of(), Linear.of(32, 32))),
 *         ReLU.of(), Linear.of(32, 10))
 *     .init(device, seed);
 * ModelIo.save(model, dir);                  // model.json names "examples.Residual"
 * Layer again = ModelIo.load(dir, device);   // works where ExampleLayerTypes is on the class path
 * }</pre>
 */
public final class Residual extends AbstractLayer {
    /** The stable type name written to model.json: qualified, so it cannot clash with a built-in. */
    public static final String TYPE = "examples.Residual";

    /**
     * The residual block's description: the {@code body} whose output is added to the input.
     *
     * @param body the branch; it must map its input to the same shape
     */
    public record Config(LayerConfig<?> body) implements LayerConfig<Residual> {
        public Config {
            Objects.requireNonNull(body, "Residual: body");
        }

        @Override
        public String type() {
            return TYPE;
        }

        /** The body in {@code dtype} (containers pass the dtype on to their children). */
        @Override
        public Config dtype(DType dtype) {
            return new Config(body.dtype(dtype));
        }

        /** Builds the body from {@code rng}: exactly the draws the body alone would make. */
        @Override
        public Residual init(Device device, RandomSource rng) {
            return new Residual(this, body.init(device, rng));
        }
    }

    /** The config of {@code x + body(x)}. */
    public static Config of(LayerConfig<?> body) {
        return new Config(body);
    }

    private final Layer body;

    private Residual(Config config, Layer body) {
        super(config);
        this.body = registerChild("body", body);
    }

    /**
     * {@code x + body(x)}; any shape the body accepts, as long as it returns the same shape.
     *
     * @throws IllegalArgumentException if the body changes the shape
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor fx = body.forward(x);
        if (!fx.shape().equals(x.shape())) {
            throw new IllegalArgumentException(TYPE + ": the body maps " + x.shape() + " to " + fx.shape()
                    + "; a residual block needs the same shape out as in");
        }
        return x.add(fx);
    }
}

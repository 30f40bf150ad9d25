package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;

/**
 * Inverted dropout, as PyTorch's {@code nn.Dropout}: in training mode each element is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1 / (1 - p)}, so the expected value is
 * unchanged; in evaluation mode the layer is the identity.
 *
 * <p>The masks come from the layer's own {@link RandomSource}, split off the stream given to
 * {@code init} ({@link RandomSource#split()}): a model initialised from the same seed draws the same
 * masks in the same order, on every backend. {@link #randomSource()} exposes the stream so that a
 * checkpoint can save and restore its state.
 */
public final class Dropout extends AbstractLayer {

    /** Plain-data description of a {@link Dropout} layer. */
    public record Config(double p) implements LayerConfig<Dropout> {
        public Config {
            checkArgument(p >= 0 && p <= 1, "Dropout: probability p must be in [0, 1], got %s", p);
        }

        @Override
        public String type() {
            return "Dropout";
        }

        public Config p(double value) {
            return new Config(value);
        }

        /** The layer, with a mask stream split off {@code rng} (which advances by one number). */
        @Override
        public Dropout init(Device device, RandomSource rng) {
            return new Dropout(this, rng.split());
        }
    }

    /** Drop probability 0.5, PyTorch's default. */
    public static Config of() {
        return of(0.5);
    }

    public static Config of(double p) {
        return new Config(p);
    }

    private final Config config;
    private final RandomSource masks;

    private Dropout(Config config, RandomSource masks) {
        super(config);
        this.config = config;
        this.masks = masks;
    }

    @Override
    public Config config() {
        return config;
    }

    /** The stream the masks are drawn from; each training forward draws {@code input.numel()} numbers. */
    public RandomSource randomSource() {
        return masks;
    }

    /**
     * {@code [...] -> [...]}: training mode multiplies by a fresh mask of {@code 0} (probability
     * {@code p}) and {@code 1 / (1 - p)}; evaluation mode (or {@code p = 0}) returns the input itself.
     */
    @Override
    public Tensor forward(Tensor x) {
        double p = config.p();
        if (!isTraining() || p == 0) {
            return x;
        }
        if (p == 1) {
            return x.mul(0.0);
        }
        Tensor u = Tensors.rand(x.device(), x.dtype(), x.shape(), masks);
        Tensor keep = u.gt(Tensors.scalar(x.device(), p, x.dtype()));
        return x.mul(keep.mul(1.0 / (1.0 - p)));
    }

    @Override
    protected String extraRepr() {
        return "p=" + config.p();
    }
}

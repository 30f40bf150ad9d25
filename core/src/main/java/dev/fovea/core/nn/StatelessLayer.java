package dev.fovea.core.nn;

/**
 * The base of the layers with no parameters or buffers, whose behaviour is fixed by their config (the
 * activations, pooling, {@link Flatten}): keeps the config under its own type, so that for example
 * {@code ReLU.create().config()} is a {@link ReLU.Config}. Subclasses define {@code forward} and, when
 * the config has options, {@code extraRepr}.
 *
 * @param <C> the layer's config record
 */
abstract class StatelessLayer<C extends LayerConfig<?>> extends AbstractLayer {
    private final C config;

    StatelessLayer(C config) {
        super(config);
        this.config = config;
    }

    @Override
    public final C config() {
        return config;
    }
}

package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.RandomSource;

/** Collapses the axes from {@code startAxis} (1 by default, keeping the batch axis) to the last into one. */
public final class Flatten extends StatelessLayer<Flatten.Config> {

    /** Plain-data description of a {@link Flatten} layer; {@code startAxis} may be negative. */
    public record Config(int startAxis) implements LayerConfig<Flatten> {
        @Override
        public String type() {
            return "Flatten";
        }

        public Config startAxis(int value) {
            return new Config(value);
        }

        @Override
        public Flatten init(Device device, RandomSource rng) {
            return new Flatten(this);
        }
    }

    /** From axis 1: {@code [N, C, H, W] -> [N, C*H*W]}. */
    public static Config of() {
        return of(1);
    }

    public static Config of(int startAxis) {
        return new Config(startAxis);
    }

    private Flatten(Config config) {
        super(config);
    }

    /** {@code [d0, ..., dk, ..., dn] -> [d0, ..., dk * ... * dn]} with {@code k = startAxis}. */
    @Override
    public Tensor forward(Tensor x) {
        int start = config().startAxis();
        int a = start < 0 ? start + x.rank() : start;
        checkArgument(a >= 0 && a < x.rank(), "%s: start axis %s is out of range for input %s", this, start, x.shape());
        return x.flatten(a);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + config().startAxis() + ", end_dim=-1";
    }
}

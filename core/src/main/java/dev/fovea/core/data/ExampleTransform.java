package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;
import java.util.random.RandomGenerator;

/**
 * Changes one example in place on the host, e.g. a random flip or a normalisation. A
 * {@link DataLoader} calls it on its producer thread for every example it puts in a batch, after
 * copying the example out of the dataset (which is never modified).
 *
 * <p>The loader passes a {@link SeededRandom} keyed by (seed, epoch, example index), so an
 * augmentation draws the same numbers for the same example in the same epoch however the batches
 * are assembled, with or without prefetch, and on resume. A transform must draw only from
 * {@code rng} and be safe to call from another thread (stateless transforms are).
 */
@FunctionalInterface
public interface ExampleTransform {

    /**
     * Transforms the example stored at {@code data[offset .. offset + shape.numel())}.
     *
     * @param shape the example's shape, e.g. {@code [1, 28, 28]}
     * @param rng this example's random stream
     */
    void apply(float[] data, int offset, Shape shape, RandomGenerator rng);

    /** This transform, then {@code next}, drawing from the same random stream. */
    default ExampleTransform andThen(ExampleTransform next) {
        Preconditions.checkNotNull(next, "next");
        return (data, offset, shape, rng) -> {
            apply(data, offset, shape, rng);
            next.apply(data, offset, shape, rng);
        };
    }

    /** The transform that leaves examples unchanged. */
    static ExampleTransform identity() {
        return (data, offset, shape, rng) -> {};
    }
}

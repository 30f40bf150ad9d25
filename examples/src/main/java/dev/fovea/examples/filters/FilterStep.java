package dev.fovea.examples.filters;

/**
 * A filter's state after one epoch of training.
 *
 * @param epoch 0 for the initial (random) filter, then 1, 2, ...
 * @param loss the loss over the whole training set with this filter
 * @param filter the taps, in the order the convolution slides them (cross-correlation)
 * @param bias the bias, or {@code NaN} for a layer without one
 */
public record FilterStep(int epoch, double loss, double[] filter, double bias) {
    public FilterStep {
        filter = filter.clone();
    }

    @Override
    public double[] filter() {
        return filter.clone();
    }
}

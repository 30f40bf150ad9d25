package dev.fovea.examples.peaks;

import java.util.Arrays;

/**
 * The result of sliding a filter {@code v} (length k) over a signal {@code u} (length L) in
 * "valid" mode: L - k + 1 outputs. Positions are 1-based, as in the seed question and MATLAB.
 *
 * <p>Output {@code j} (0-based) covers signal positions {@code j .. j+k-1}; its centre is signal
 * position {@code j + (k-1)/2} (0-based, rounded down for an even k), reported here 1-based.
 *
 * @param device the device that computed it, e.g. {@code "cpu:0"}
 * @param signal u
 * @param filter v
 * @param convolution {@code conv(u, v, 'valid')} in the MATLAB sense: v flipped, then slid
 * @param crossCorrelation v slid as it is: what every CNN layer (Fovea's conv1d too) computes
 * @param centres for each output, the 1-based signal position at its centre
 * @param peaks 1-based centres where the convolution is positive: where the filter responds
 * @param localMaxima 1-based interior positions i with u(i-1) &lt; u(i) &gt; u(i+1): the true peaks
 * @param maxPool the largest convolution output, found by a max pool over all of them
 */
public record PeakAnalysis(
        String device,
        double[] signal,
        double[] filter,
        double[] convolution,
        double[] crossCorrelation,
        int[] centres,
        int[] peaks,
        int[] localMaxima,
        MaxPool maxPool) {

    /**
     * The max pool over the whole convolution output.
     *
     * @param index 1-based signal position at the centre of the largest response
     * @param outputIndex 1-based index of the largest response in the output
     * @param value the largest response
     */
    public record MaxPool(int index, int outputIndex, double value) {}

    /** True when the filter reads the same backwards, so convolution equals cross-correlation. */
    public boolean symmetric() {
        return PeakFinder.isSymmetric(filter);
    }

    /** True when the positive responses are exactly the true local maxima. */
    public boolean peaksMatchLocalMaxima() {
        return Arrays.equals(peaks, localMaxima);
    }

    /** The filter length k. */
    public int kernelSize() {
        return filter.length;
    }
}

package dev.fovea.examples.peaks;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.Tensors;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds peaks in a 1-D signal with a designed filter, as in the seed answer: slide {@code [-1 1 -1]}
 * over the signal ("the value in the middle is larger than the values before and after"), then
 * max-pool the response to get the most likely location of the feature.
 *
 * <p>Everything numeric runs on a Fovea device through {@link Functional#conv1d} and
 * {@link Functional#maxPool1d}. Those compute cross-correlation, like every CNN library; MATLAB's
 * {@code conv} flips the kernel first. So the convolution is computed as the cross-correlation with
 * the flipped filter, and both are reported.
 */
public final class PeakFinder {
    /** The seed answer's signal, {@code u = rand(1,10)} in MATLAB. */
    public static final double[] SEED_SIGNAL = {
        0.8416, 0.7342, 0.5710, 0.1769, 0.9574, 0.2653, 0.9246, 0.2238, 0.3736, 0.0875
    };
    /** The seed answer's designed filter: larger in the middle than either side. */
    public static final double[] SEED_FILTER = {-1, 1, -1};
    /**
     * What the seed answer printed as {@code y = conv(u, v, 'valid')}. These numbers do not follow
     * from u and v (the first output is -0.8416 + 0.7342 - 0.5710 = -0.6784, not -0.1767); Fovea
     * recomputes them.
     */
    public static final double[] SEED_PRINTED_OUTPUT = {
        -0.1767, -0.4347, -0.3599, -0.2702, -0.5382, 0.2119, -0.9628, 0.1713
    };

    private PeakFinder() {}

    /**
     * Checks that a "valid" convolution of {@code signal} with {@code filter} has at least one output.
     *
     * @throws IllegalArgumentException naming the values when either is empty or not finite, or the
     *     filter is longer than the signal
     */
    public static void validate(double[] signal, double[] filter) {
        if (signal.length == 0) {
            throw new IllegalArgumentException("the signal is empty; give at least one number");
        }
        if (filter.length == 0) {
            throw new IllegalArgumentException("the filter is empty; give at least one number");
        }
        checkFinite("signal", signal);
        checkFinite("filter", filter);
        if (filter.length > signal.length) {
            throw new IllegalArgumentException("the filter [" + join(filter) + "] has " + filter.length
                    + " values but the signal [" + join(signal) + "] only " + signal.length
                    + "; a 'valid' convolution needs a filter no longer than the signal");
        }
    }

    /**
     * Computes the convolution and cross-correlation of {@code signal} with {@code filter} on
     * {@code device}, the positive responses, the true local maxima and the max pool.
     *
     * @throws IllegalArgumentException as {@link #validate}
     */
    public static PeakAnalysis analyze(Device device, double[] signal, double[] filter) {
        validate(signal, filter);
        int k = filter.length;
        int n = signal.length - k + 1;
        double[] convolution;
        double[] crossCorrelation;
        int argmax;
        double pooled;
        try (Tensor x = tensor(device, signal, 1, 1, signal.length);
                Tensor flipped = tensor(device, flip(filter), 1, 1, k);
                Tensor asGiven = tensor(device, filter, 1, 1, k);
                Tensor conv = Functional.conv1d(x, flipped, null, 1, 0, 1, 1);
                Tensor xcorr = Functional.conv1d(x, asGiven, null, 1, 0, 1, 1);
                Tensor pool = Functional.maxPool1d(conv, n, n);
                Tensor position = conv.argmax(-1)) {
            convolution = conv.toDoubleArray();
            crossCorrelation = xcorr.toDoubleArray();
            pooled = pool.toDoubleArray()[0];
            argmax = position.toIntArray()[0];
        }
        if (convolution.length != n || crossCorrelation.length != n) {
            throw new IllegalStateException("conv1d of a signal of length " + signal.length + " with a filter of length "
                    + k + " gave " + convolution.length + " outputs, expected " + n);
        }
        if (argmax < 0 || argmax >= n || Math.abs(pooled - convolution[argmax]) > 1e-6 * Math.max(1, Math.abs(pooled))) {
            throw new IllegalStateException("maxPool1d gave " + pooled + " but argmax points at output " + argmax
                    + " of " + Arrays.toString(convolution) + "; the device's pooling and argmax disagree");
        }
        int[] centres = new int[n];
        List<Integer> peaks = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            centres[j] = centre(j, k);
            if (convolution[j] > 0) {
                peaks.add(centres[j]);
            }
        }
        return new PeakAnalysis(device.name(), signal.clone(), filter.clone(), convolution, crossCorrelation, centres,
                peaks.stream().mapToInt(Integer::intValue).toArray(), localMaxima(signal),
                new PeakAnalysis.MaxPool(centres[argmax], argmax + 1, pooled));
    }

    /** 1-based signal position at the centre of 0-based output {@code j} of a filter of length {@code k}. */
    public static int centre(int j, int k) {
        return j + (k - 1) / 2 + 1;
    }

    /** 1-based positions i (interior only) with {@code u(i-1) < u(i) > u(i+1)}. */
    public static int[] localMaxima(double[] u) {
        List<Integer> found = new ArrayList<>();
        for (int i = 1; i + 1 < u.length; i++) {
            if (u[i - 1] < u[i] && u[i] > u[i + 1]) {
                found.add(i + 1);
            }
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The filter reversed: convolution with v is cross-correlation with flip(v). */
    public static double[] flip(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[v.length - 1 - i];
        }
        return out;
    }

    /** Whether {@code v} reads the same backwards. */
    public static boolean isSymmetric(double[] v) {
        return Arrays.equals(v, flip(v));
    }

    /**
     * A [1, 1, L] tensor on {@code device}: FLOAT64 where the device supports it (these are short
     * signals and exact values are the point), FLOAT32 elsewhere.
     */
    private static Tensor tensor(Device device, double[] values, int... shape) {
        if (device.info().supportsFloat64()) {
            return Tensors.of(device, values, shape);
        }
        float[] single = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            single[i] = (float) values[i];
        }
        return Tensors.of(device, single, shape);
    }

    private static void checkFinite(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException("the " + what + " value " + (i + 1) + " is " + values[i]
                        + "; only finite numbers can be convolved");
            }
        }
    }

    private static String join(double[] values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(BigDecimal.valueOf(values[i]).stripTrailingZeros().toPlainString());
        }
        return out.toString();
    }
}

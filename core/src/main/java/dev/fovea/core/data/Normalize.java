package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import com.google.common.primitives.ImmutableDoubleArray;
import dev.fovea.api.Shape;
import java.util.random.RandomGenerator;

/**
 * Per-channel standardisation, {@code x' = (x - mean[c]) / std[c]}, as in torchvision's
 * {@code Normalize}. The channel of an example shaped {@code [C, ...]} (rank 2 or more) is its first
 * axis; an example of rank 0 or 1 is one channel.
 *
 * <p>Compute the statistics on the training data with {@link #fit} and apply the same instance to
 * training and test data — either eagerly with {@link #apply(Dataset)} or per batch as the
 * {@link ExampleTransform} of a {@link DataLoader}. Fitted on the training splits, the statistics
 * come out near 0.2860/0.3530 for Fashion-MNIST and 0.1307/0.3081 for MNIST.
 */
public final class Normalize implements ExampleTransform {
    private final ImmutableDoubleArray mean;
    private final ImmutableDoubleArray std;
    private final float[] meanF;
    private final float[] invStdF;

    private Normalize(double[] mean, double[] std) {
        Preconditions.checkArgument(mean.length == std.length && mean.length > 0,
                "mean and std need one value per channel, got %s and %s", mean.length, std.length);
        this.meanF = new float[mean.length];
        this.invStdF = new float[mean.length];
        for (int c = 0; c < mean.length; c++) {
            Preconditions.checkArgument(Double.isFinite(mean[c]), "mean of channel %s is %s", (Integer) c, (Double) mean[c]);
            Preconditions.checkArgument(std[c] > 0 && Double.isFinite(std[c]),
                    "std of channel %s must be positive and finite, got %s (a constant channel cannot be"
                            + " standardised)", (Integer) c, (Double) std[c]);
            meanF[c] = (float) mean[c];
            invStdF[c] = (float) (1.0 / std[c]);
        }
        this.mean = ImmutableDoubleArray.copyOf(mean);
        this.std = ImmutableDoubleArray.copyOf(std);
    }

    /** Normalisation with the given per-channel statistics. */
    public static Normalize of(double[] mean, double[] std) {
        Preconditions.checkNotNull(mean, "mean");
        Preconditions.checkNotNull(std, "std");
        return new Normalize(mean.clone(), std.clone());
    }

    /**
     * The per-channel mean and population standard deviation of every value of every example of
     * {@code dataset}, accumulated in double precision.
     */
    public static Normalize fit(Dataset dataset) {
        Preconditions.checkNotNull(dataset, "dataset");
        Preconditions.checkArgument(dataset.size() > 0, "cannot fit normalisation statistics to an empty dataset");
        Shape shape = dataset.exampleShape();
        int channels = channels(shape);
        int ex = dataset.exampleSize();
        int perChannel = ex / channels;
        double[] sum = new double[channels];
        double[] sumSq = new double[channels];
        // Shift by the first example's channel means for numerical stability of sum of squares.
        double[] pivot = new double[channels];
        float[] buf = new float[ex];
        for (int i = 0; i < dataset.size(); i++) {
            dataset.copyExample(i, buf, 0);
            for (int c = 0; c < channels; c++) {
                if (i == 0) {
                    double s = 0;
                    for (int k = 0; k < perChannel; k++) {
                        s += buf[c * perChannel + k];
                    }
                    pivot[c] = s / perChannel;
                }
                double s = 0;
                double sq = 0;
                for (int k = 0; k < perChannel; k++) {
                    double d = buf[c * perChannel + k] - pivot[c];
                    s += d;
                    sq += d * d;
                }
                sum[c] += s;
                sumSq[c] += sq;
            }
        }
        double count = (double) dataset.size() * perChannel;
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            mean[c] = pivot[c] + m;
            std[c] = Math.sqrt(Math.max(sumSq[c] / count - m * m, 0));
        }
        return new Normalize(mean, std);
    }

    private static int channels(Shape shape) {
        return shape.rank() >= 2 ? shape.dim(0) : 1;
    }

    /** The per-channel means. */
    public ImmutableDoubleArray mean() {
        return mean;
    }

    /** The per-channel standard deviations. */
    public ImmutableDoubleArray std() {
        return std;
    }

    /** Normalises one example in place. */
    @Override
    public void apply(float[] data, int offset, Shape shape, RandomGenerator rng) {
        int channels = channels(shape);
        Preconditions.checkArgument(channels == meanF.length,
                "normalisation has %s channels but the example shaped %s has %s", meanF.length, shape, channels);
        int perChannel = (int) (shape.numel() / channels);
        for (int c = 0; c < channels; c++) {
            float m = meanF[c];
            float inv = invStdF[c];
            int start = offset + c * perChannel;
            for (int k = start; k < start + perChannel; k++) {
                data[k] = (data[k] - m) * inv;
            }
        }
    }

    /** A normalised copy of {@code dataset} in memory (the dataset itself is unchanged). */
    public InMemoryDataset apply(Dataset dataset) {
        Preconditions.checkNotNull(dataset, "dataset");
        int n = dataset.size();
        int ex = dataset.exampleSize();
        float[] x = new float[Math.multiplyExact(n, ex)];
        int[] y = new int[n];
        dataset.copyBatch(Shuffle.identity(n), 0, n, x, y);
        Shape shape = dataset.exampleShape();
        for (int i = 0; i < n; i++) {
            apply(x, i * ex, shape, null);
        }
        return InMemoryDataset.wrap(shape, x, y, dataset.numClasses());
    }

    @Override
    public String toString() {
        return "Normalize[mean=" + mean + ", std=" + std + "]";
    }
}

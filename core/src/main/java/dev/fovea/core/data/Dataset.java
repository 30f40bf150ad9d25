package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;

/**
 * A fixed, indexed collection of labelled examples that all have one shape, such as 60,000
 * Fashion-MNIST images of shape {@code [1, 28, 28]} with labels {@code 0..9}.
 *
 * <p>Examples are read as floats, row-major, {@link #exampleSize()} of them per example; labels are
 * class indices in {@code [0, numClasses())}. Implementations must be immutable and safe to read from
 * several threads at once: the {@link DataLoader} copies batches on a background thread.
 *
 * <p>The copy methods write into caller-supplied arrays so that a loader can reuse its buffers and
 * allocate nothing per batch.
 */
public interface Dataset {

    /** Number of examples. */
    int size();

    /** The shape of one example, e.g. {@code [1, 28, 28]} (channels, height, width). */
    Shape exampleShape();

    /** Number of classes the labels index into; every label is in {@code [0, numClasses())}. */
    int numClasses();

    /** Number of floats in one example: {@code exampleShape().numel()}. */
    default int exampleSize() {
        return Math.toIntExact(exampleShape().numel());
    }

    /**
     * Copies example {@code index} into {@code dest[destOffset .. destOffset + exampleSize())}.
     *
     * @throws IndexOutOfBoundsException if {@code index} or the destination range is out of range
     */
    void copyExample(int index, float[] dest, int destOffset);

    /** The class label of example {@code index}. */
    int label(int index);

    /**
     * Copies the examples {@code indices[from .. from + count)} into the start of
     * {@code examples} (example {@code k} of the batch at offset {@code k * exampleSize()}) and their
     * labels into the start of {@code labels}. Either destination may be {@code null} to skip it.
     *
     * @throws IllegalArgumentException if a destination is too small for {@code count} examples
     */
    default void copyBatch(int[] indices, int from, int count, float[] examples, int[] labels) {
        Preconditions.checkNotNull(indices, "indices");
        Preconditions.checkPositionIndexes(from, from + count, indices.length);
        int ex = exampleSize();
        Preconditions.checkArgument(examples == null || examples.length >= (long) count * ex,
                "examples buffer holds %s floats but %s examples of %s need %s",
                examples == null ? 0 : examples.length, count, exampleShape(), (long) count * ex);
        Preconditions.checkArgument(labels == null || labels.length >= count,
                "labels buffer holds %s ints but the batch has %s examples",
                labels == null ? 0 : labels.length, count);
        for (int k = 0; k < count; k++) {
            int index = indices[from + k];
            if (examples != null) {
                copyExample(index, examples, k * ex);
            }
            if (labels != null) {
                labels[k] = label(index);
            }
        }
    }

    /**
     * The examples at {@code indices}, in that order (repeats allowed), as a new dataset that shares
     * this one's data.
     *
     * @throws IndexOutOfBoundsException naming the first index outside {@code [0, size())}
     */
    default Dataset subset(int[] indices) {
        return new SubsetDataset(this, indices);
    }

    /**
     * A seeded, stratified split into train and test parts: within every class, a fraction
     * {@code testFraction} of the examples (rounded to the nearest integer) goes to the test part.
     * Which examples go where is a pure function of {@code seed} and the labels; both parts keep the
     * original relative order of their examples.
     *
     * @param testFraction in {@code [0, 1]}
     */
    default TrainTestSplit split(double testFraction, long seed) {
        return TrainTestSplit.stratified(this, testFraction, seed);
    }
}

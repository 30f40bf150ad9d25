package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;

/**
 * A dataset held in one {@code float[]} of examples (row-major, example after example) and one
 * {@code int[]} of labels. Immutable: the factory copies the arrays it is given and nothing hands
 * them out.
 */
public final class InMemoryDataset implements Dataset {
    private final Shape exampleShape;
    private final int exampleSize;
    private final float[] examples;
    private final int[] labels;
    private final int numClasses;

    private InMemoryDataset(Shape exampleShape, float[] examples, int[] labels, int numClasses) {
        Preconditions.checkNotNull(exampleShape, "exampleShape");
        Preconditions.checkNotNull(examples, "examples");
        Preconditions.checkNotNull(labels, "labels");
        Preconditions.checkArgument(numClasses > 0, "numClasses must be positive, got %s", numClasses);
        Preconditions.checkArgument(exampleShape.numel() > 0 && exampleShape.numel() <= Integer.MAX_VALUE,
                "example shape %s must have between 1 and 2^31-1 elements", exampleShape);
        this.exampleShape = exampleShape;
        this.exampleSize = (int) exampleShape.numel();
        Preconditions.checkArgument((long) labels.length * exampleSize == examples.length,
                "%s labels of examples shaped %s need %s floats, but %s were given",
                labels.length, exampleShape, (long) labels.length * exampleSize, examples.length);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
        this.examples = examples;
        this.labels = labels;
        this.numClasses = numClasses;
    }

    /**
     * A dataset of {@code labels.length} examples of {@code exampleShape}; {@code examples} holds
     * them one after another, {@code exampleShape.numel()} floats each. Both arrays are copied.
     *
     * @throws IllegalArgumentException if the lengths disagree or a label is outside
     *     {@code [0, numClasses)}
     */
    public static InMemoryDataset of(Shape exampleShape, float[] examples, int[] labels, int numClasses) {
        Preconditions.checkNotNull(examples, "examples");
        Preconditions.checkNotNull(labels, "labels");
        return new InMemoryDataset(exampleShape, examples.clone(), labels.clone(), numClasses);
    }

    /** Like {@link #of} but takes ownership of the arrays, which the caller must not touch again. */
    static InMemoryDataset wrap(Shape exampleShape, float[] examples, int[] labels, int numClasses) {
        return new InMemoryDataset(exampleShape, examples, labels, numClasses);
    }

    /** All examples of {@code dataset}, copied into memory (the dataset itself if it is in memory). */
    public static InMemoryDataset copyOf(Dataset dataset) {
        Preconditions.checkNotNull(dataset, "dataset");
        if (dataset instanceof InMemoryDataset inMemory) {
            return inMemory;
        }
        int n = dataset.size();
        float[] x = new float[Math.multiplyExact(n, dataset.exampleSize())];
        int[] y = new int[n];
        dataset.copyBatch(Shuffle.identity(n), 0, n, x, y);
        return new InMemoryDataset(dataset.exampleShape(), x, y, dataset.numClasses());
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Shape exampleShape() {
        return exampleShape;
    }

    @Override
    public int exampleSize() {
        return exampleSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void copyExample(int index, float[] dest, int destOffset) {
        Preconditions.checkElementIndex(index, labels.length, "example index");
        System.arraycopy(examples, index * exampleSize, dest, destOffset, exampleSize);
    }

    @Override
    public int label(int index) {
        return labels[Preconditions.checkElementIndex(index, labels.length, "example index")];
    }

    @Override
    public void copyBatch(int[] indices, int from, int count, float[] dest, int[] labelDest) {
        Preconditions.checkNotNull(indices, "indices");
        Preconditions.checkPositionIndexes(from, from + count, indices.length);
        Preconditions.checkArgument(dest == null || dest.length >= (long) count * exampleSize,
                "examples buffer holds %s floats but %s examples of %s need %s",
                dest == null ? 0 : dest.length, count, exampleShape, (long) count * exampleSize);
        Preconditions.checkArgument(labelDest == null || labelDest.length >= count,
                "labels buffer holds %s ints but the batch has %s examples",
                labelDest == null ? 0 : labelDest.length, count);
        for (int k = 0; k < count; k++) {
            int index = Preconditions.checkElementIndex(indices[from + k], labels.length, "example index");
            if (dest != null) {
                System.arraycopy(examples, index * exampleSize, dest, k * exampleSize, exampleSize);
            }
            if (labelDest != null) {
                labelDest[k] = labels[index];
            }
        }
    }

    /** The examples at {@code indices}, in that order, copied into a new in-memory dataset. */
    @Override
    public InMemoryDataset subset(int[] indices) {
        Preconditions.checkNotNull(indices, "indices");
        float[] x = new float[Math.multiplyExact(indices.length, exampleSize)];
        int[] y = new int[indices.length];
        copyBatch(indices, 0, indices.length, x, y);
        return new InMemoryDataset(exampleShape, x, y, numClasses);
    }

    /** Examples per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "InMemoryDataset[" + labels.length + " x " + exampleShape + ", " + numClasses + " classes]";
    }
}

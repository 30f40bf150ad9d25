package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import dev.fovea.api.Shape;

/** A view of some examples of another dataset, in a given order. */
final class SubsetDataset implements Dataset {
    private final Dataset parent;
    private final int[] indices;

    SubsetDataset(Dataset parent, int[] indices) {
        this.parent = Preconditions.checkNotNull(parent, "parent");
        Preconditions.checkNotNull(indices, "indices");
        this.indices = indices.clone();
        for (int i : this.indices) {
            Preconditions.checkElementIndex(i, parent.size(), "subset index");
        }
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public Shape exampleShape() {
        return parent.exampleShape();
    }

    @Override
    public int numClasses() {
        return parent.numClasses();
    }

    @Override
    public void copyExample(int index, float[] dest, int destOffset) {
        parent.copyExample(indices[Preconditions.checkElementIndex(index, indices.length)], dest, destOffset);
    }

    @Override
    public int label(int index) {
        return parent.label(indices[Preconditions.checkElementIndex(index, indices.length)]);
    }

    @Override
    public Dataset subset(int[] subIndices) {
        Preconditions.checkNotNull(subIndices, "indices");
        int[] mapped = new int[subIndices.length];
        for (int k = 0; k < subIndices.length; k++) {
            mapped[k] = indices[Preconditions.checkElementIndex(subIndices[k], indices.length, "subset index")];
        }
        return new SubsetDataset(parent, mapped);
    }

    @Override
    public String toString() {
        return "SubsetDataset[" + indices.length + " of " + parent + "]";
    }
}

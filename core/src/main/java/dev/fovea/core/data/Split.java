package dev.fovea.core.data;

/** Which part of a dataset that ships pre-split (MNIST, Fashion-MNIST): training or test. */
public enum Split {
    /** The training examples (60,000 for MNIST and Fashion-MNIST). */
    TRAIN("train"),
    /** The held-out test examples (10,000 for MNIST and Fashion-MNIST), file prefix {@code t10k}. */
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** The prefix of this split's IDX file names: {@code train} or {@code t10k}. */
    public String filePrefix() {
        return filePrefix;
    }
}

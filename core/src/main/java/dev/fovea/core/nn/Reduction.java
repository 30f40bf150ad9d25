package dev.fovea.core.nn;

/** How a loss combines its per-element (or per-sample) values. */
public enum Reduction {
    /** The mean: a scalar (the default, as in PyTorch). */
    MEAN,
    /** The sum: a scalar. */
    SUM,
    /** No reduction: one value per element (per sample for cross-entropy). */
    NONE
}

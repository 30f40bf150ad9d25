package dev.fovea.api.backend;

/** Window function of {@link Backend#pool2d}. */
public enum PoolOp {
    /** The largest element of the window; padding counts as minus infinity. */
    MAX,
    /** The mean of the window; see {@link PoolSpec#countIncludePad()}. */
    AVG
}

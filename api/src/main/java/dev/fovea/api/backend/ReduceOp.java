package dev.fovea.api.backend;

/** How {@link Backend#reduce} combines the elements along the reduced axes. */
public enum ReduceOp {
    SUM,
    MAX,
    MIN
}

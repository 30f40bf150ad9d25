package dev.fovea.api.backend;

/**
 * Elementwise functions of two operands of the output's dtype. Comparisons yield 1 or 0 in the
 * output dtype.
 */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    /** a raised to the power b. */
    POW,
    /** The larger of a and b (NaN if either is NaN). */
    MAXIMUM,
    /** The smaller of a and b (NaN if either is NaN). */
    MINIMUM,
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE
}

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
    GE,
    /**
     * ReLU's gradient: a where b &gt; 0, else 0. With a the incoming gradient and b ReLU's input, the
     * result is exactly a where b &gt; 0 and +0 everywhere else, even where a is NaN or infinite (as
     * PyTorch's threshold_backward); a NaN b counts as not positive and gives 0. One kernel
     * instead of a comparison and a multiplication, and no mask.
     */
    RELU_BACKWARD
}

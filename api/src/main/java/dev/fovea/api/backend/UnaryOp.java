package dev.fovea.api.backend;

/**
 * Elementwise functions of one operand, computed in the operand's precision. Derivatives are
 * core's business; these are the forward values only.
 */
public enum UnaryOp {
    /** Copy; the only op whose output dtype may differ from its input's (a conversion; float to int truncates toward zero). */
    IDENTITY,
    NEG,
    ABS,
    /** -1, 0 or 1 (0 for NaN-free zero, NaN stays NaN). */
    SIGN,
    EXP,
    /** Natural logarithm. */
    LOG,
    SQRT,
    /** 1 / x. */
    RECIPROCAL,
    /** x * x. */
    SQUARE,
    /** max(x, 0). */
    RELU,
    /** 1 / (1 + exp(-x)), without overflow for large |x|. */
    SIGMOID,
    TANH,
    SIN,
    COS,
    /** The Gauss error function, accurate to about 1e-15 relative in FLOAT64. */
    ERF
}

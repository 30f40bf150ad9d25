/**
 * Tools around automatic differentiation. {@link dev.fovea.core.autograd.GradCheck} compares the
 * gradients Fovea computes for a function with float64 central differences, for testing built-in
 * operations, custom layers and {@link dev.fovea.core.tensor.CustomFunction}s.
 *
 * <p>This package depends on {@code dev.fovea.core.tensor}, never the reverse.
 */
package dev.fovea.core.autograd;

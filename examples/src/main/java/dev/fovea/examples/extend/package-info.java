/**
 * Extending Fovea without forking it, one runnable example per depth (the walk-through is
 * {@code docs/custom-layers.md}):
 * <ol>
 *   <li>a custom layer composed of existing ops, registered for checkpoints with a
 *       {@code LayerTypeProvider};</li>
 *   <li>{@link dev.fovea.examples.extend.Softplus#apply}: a custom differentiable function with a
 *       hand-written, numerically stable backward, checked by {@code GradCheck};</li>
 *   <li>{@link dev.fovea.examples.extend.Softplus#OP}: the same computation as a named
 *       {@code CustomOp} that a backend can run with its own kernel.</li>
 * </ol>
 */
package dev.fovea.examples.extend;

/**
 * Extending Fovea without forking it, one runnable example per depth (the walk-through is
 * {@code docs/custom-layers.md}):
 * <ol>
 *   <li>{@link dev.fovea.examples.extend.Residual}: a custom layer composed of existing ops, registered
 *       for checkpoints by {@link dev.fovea.examples.extend.ExampleLayerTypes}, a
 *       {@code LayerTypeProvider} found by ServiceLoader;</li>
 *   <li>{@link dev.fovea.examples.extend.Softplus#apply}: a custom differentiable function with a
 *       hand-written, numerically stable backward, checked by {@code GradCheck};</li>
 *   <li>{@link dev.fovea.examples.extend.Softplus#OP}: the same computation as a named
 *       {@code CustomOp} that a backend can run with its own kernel.</li>
 * </ol>
 */
package dev.fovea.examples.extend;

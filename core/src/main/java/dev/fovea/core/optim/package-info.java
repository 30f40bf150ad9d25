/**
 * Optimizers, learning-rate schedules and gradient clipping: what moves the weights after
 * {@code backward()}.
 *
 * <ul>
 *   <li>{@link dev.fovea.core.optim.Sgd} (momentum, dampening, Nesterov, weight decay),
 *       {@link dev.fovea.core.optim.Adam} (L2 weight decay, AMSGrad), {@link dev.fovea.core.optim.AdamW}
 *       (decoupled weight decay) and {@link dev.fovea.core.optim.RmsProp} (momentum, centered), each with
 *       the exact update rule of its {@code torch.optim} namesake, built from an immutable config:
 *       {@code Sgd.momentum(0.9).lr(0.01).over(model.parameters())}.</li>
 *   <li>Optimizers work over <em>named</em> parameters in a fixed order ({@code Layer.parameters()}),
 *       keep their state tensors on each parameter's device, and update in place inside a no-grad
 *       scope. {@link dev.fovea.core.optim.AbstractOptimizer#state()} takes an immutable host snapshot,
 *       an {@link dev.fovea.core.optim.OptimizerState} with tensors keyed
 *       {@code "<parameter>.<slot>"}; {@link dev.fovea.core.optim.AbstractOptimizer#load} restores it
 *       after validating it, and {@link dev.fovea.core.optim.Optimizers#fromState} rebuilds an optimizer
 *       from one.</li>
 *   <li>{@link dev.fovea.core.optim.LrScheduler}s in closed form: {@link dev.fovea.core.optim.StepLr},
 *       {@link dev.fovea.core.optim.CosineAnnealingLr}, {@link dev.fovea.core.optim.LinearWarmup}
 *       (composing with a schedule after the warm-up).</li>
 *   <li>{@link dev.fovea.core.optim.GradClip}: clipping by total L2 norm (reduced on the device) or by
 *       value.</li>
 * </ul>
 */
package dev.fovea.core.optim;

/**
 * The tensor of Fovea and its reverse-mode automatic differentiation.
 *
 * <ul>
 *   <li>{@link dev.fovea.core.tensor.DenseTensor}: the {@link dev.fovea.api.Tensor} implementation, a
 *       strided view onto reference-counted device storage; every operation records a graph node
 *       whose backward rule is written beside its forward.</li>
 *   <li>{@link dev.fovea.core.tensor.Tensors}: static factories (from data, zeros, random, where,
 *       concat, stack).</li>
 *   <li>{@link dev.fovea.core.tensor.Functional}: convolution and pooling, like PyTorch's
 *       {@code torch.nn.functional}.</li>
 *   <li>{@link dev.fovea.core.tensor.NoGrad}: scopes in which nothing is recorded.</li>
 *   <li>{@link dev.fovea.core.tensor.TensorScope}: scopes that close every tensor made in them (a
 *       training step's activations and temporaries), so device memory is released deterministically.</li>
 *   <li>{@link dev.fovea.core.tensor.RandomSource}: a seeded, counter-based random stream that gives
 *       the same numbers on every backend.</li>
 *   <li>{@link dev.fovea.core.tensor.CustomFunction}: user-defined operations with their own backward
 *       rule, like {@code torch.autograd.Function}.</li>
 *   <li>{@link dev.fovea.core.tensor.CustomOp} and {@link dev.fovea.core.tensor.Kernels}: named
 *       operations that run a backend's own kernel ({@link dev.fovea.api.backend.KernelProvider},
 *       found by ServiceLoader) where one is installed and a composite fallback elsewhere.</li>
 * </ul>
 *
 * This package depends on {@code dev.fovea.core.device} (devices run the kernels), never the
 * reverse.
 */
package dev.fovea.core.tensor;

/**
 * The backend SPI: the short list of primitive kernels a device must supply, and how backends
 * are discovered.
 *
 * <p>A backend is found through {@link java.util.ServiceLoader} as a {@link
 * dev.fovea.api.backend.BackendProvider}. It moves data in and out of {@link
 * dev.fovea.api.backend.DeviceBuffer}s and runs kernels on {@link
 * dev.fovea.api.backend.StridedView}s. Backends know nothing about gradients: autograd lives in
 * core, above every backend, and expresses each derivative with these same kernels.
 *
 * <p>Beyond the fixed list, a {@link dev.fovea.api.backend.KernelProvider} (also found by
 * ServiceLoader) supplies one backend's implementation of a <em>named</em> op - a user's own op, or a
 * fused version of an op defined with a portable fallback - which core's {@code CustomOp} picks when
 * the op's tensors live on that backend.
 */
package dev.fovea.api.backend;

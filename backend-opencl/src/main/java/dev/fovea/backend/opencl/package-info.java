/**
 * The OpenCL backend, driven through JOCL: {@link dev.fovea.backend.opencl.OpenClBackendProvider} (name
 * {@code "opencl"}, rank 20 with a GPU and 5 without, so the CPU backend stays the default on machines
 * that only have OpenCL on the CPU), {@link dev.fovea.backend.opencl.OpenClBackend} with every SPI kernel
 * in one OpenCL C program (resources {@code fovea-common.cl} and {@code fovea-real.cl}), pooled device
 * memory under a budget, and device discovery ({@link dev.fovea.backend.opencl.OpenClPlatforms#probe()}).
 * Authors of custom kernels ({@link dev.fovea.api.backend.KernelProvider}s for {@code "opencl"}) compile
 * and launch their own OpenCL C through {@link dev.fovea.backend.opencl.OpenClBackend#compile},
 * {@link dev.fovea.backend.opencl.OpenClBackend#launch} and {@link dev.fovea.backend.opencl.OpenClLaunch}.
 * Only this package may use {@code org.jocl}; an ArchUnit test in every other module enforces that.
 */
package dev.fovea.backend.opencl;

/**
 * The OpenCL backend, driven through JOCL.
 *
 * <p>Today this package finds OpenCL platforms and devices ({@link
 * dev.fovea.backend.opencl.OpenClPlatforms#probe()}) and registers the {@code "opencl"} provider,
 * which reports itself unavailable, naming the devices it found, until the kernels exist. Only this
 * package may use {@code org.jocl}; an ArchUnit test in every other module enforces that.
 */
package dev.fovea.backend.opencl;

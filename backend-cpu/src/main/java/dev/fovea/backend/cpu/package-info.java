/**
 * The pure-Java CPU backend: {@link dev.fovea.backend.cpu.CpuBackendProvider} (name "cpu") and
 * {@link dev.fovea.backend.cpu.CpuBackend}, whose buffers are Java arrays and whose kernels are plain
 * loops over strided views, split over the batch across the common fork-join pool where that pays.
 */
package dev.fovea.backend.cpu;

/**
 * The pure-Java CPU backend: {@link dev.fovea.backend.cpu.CpuBackendProvider} (name "cpu") and
 * {@link dev.fovea.backend.cpu.CpuBackend}, whose buffers are Java arrays.
 *
 * <p>Matrix products and convolutions run on a BLIS-style GEMM (packed panels, MC/KC/NC cache
 * blocking, a register-tiled micro-kernel): with the Vector API ({@code jdk.incubator.vector}, when
 * the JVM has the module and {@code -Dfovea.cpu.simd} is not {@code false}) or a scalar fallback.
 * Work is split over a pool of {@code -Dfovea.cpu.threads} threads (default: all processors) into
 * tasks that own disjoint parts of the output, with block sizes that never depend on the thread
 * count, so results are the same bits for any number of threads. Scratch memory is reused per
 * thread ({@code Workspace}), and the arrays of released buffers are reused by dtype and length
 * ({@code ArrayPool}, {@code -Dfovea.cpu.poolBytes}). Elementwise kernels are loops over rows of strided views. See
 * {@code docs/performance.md}.
 */
package dev.fovea.backend.cpu;

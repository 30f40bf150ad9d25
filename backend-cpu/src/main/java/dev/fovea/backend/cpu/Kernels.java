package dev.fovea.backend.cpu;

/**
 * The micro-kernels and thread pool one backend runs its dense kernels with: the Vector API
 * kernels when {@link Simd#enabled()} (or the scalar ones), and {@code threads} threads.
 */
final class Kernels {
    /** System property: threads of the CPU backend's pool (default: available processors). */
    static final String THREADS_PROPERTY = "fovea.cpu.threads";
    /** Environment variable read when the property is not set. */
    static final String THREADS_ENVIRONMENT = "FOVEA_CPU_THREADS";

    final FloatMicroKernel floats;
    final DoubleMicroKernel doubles;
    final Parallel parallel;
    final boolean simd;
    /** SIMD elementwise rows for FLOAT32, or null (scalar loops only). */
    final SimdElementwise elementwise;
    /** SIMD 2x2 max pooling for FLOAT32, or null (scalar loops only). */
    final SimdPool pool;

    Kernels(boolean simd, int threads) {
        if (simd && !Simd.modulePresent()) {
            throw new IllegalStateException("the Vector API kernels need the JVM option --add-modules "
                    + Simd.MODULE);
        }
        this.simd = simd;
        this.floats = simd ? VectorKernels.floats() : new FloatScalarKernel();
        this.doubles = simd ? VectorKernels.doubles() : new DoubleScalarKernel();
        this.elementwise = simd ? VectorKernels.elementwise() : null;
        this.pool = simd ? VectorKernels.pool() : null;
        this.parallel = Parallel.of(threads);
    }

    /** Kernels as configured by the system properties / environment: SIMD when possible, all cores. */
    static Kernels configured() {
        return new Kernels(Simd.enabled(), configuredThreads());
    }

    /** {@value #THREADS_PROPERTY}, else {@value #THREADS_ENVIRONMENT}, else the available processors. */
    static int configuredThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        String source = "-D" + THREADS_PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(THREADS_ENVIRONMENT);
            source = THREADS_ENVIRONMENT;
        }
        if (v == null || v.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int t = Integer.parseInt(v.trim());
            if (t >= 1) {
                return t;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(source + "=" + v + " is not a thread count; give a whole number >= 1");
    }

    /** For reports: e.g. "Vector API, 512-bit, 12x32 tile, 2 threads". */
    String describe() {
        return floats.describe() + ", " + parallel.threads() + (parallel.threads() == 1 ? " thread" : " threads");
    }
}

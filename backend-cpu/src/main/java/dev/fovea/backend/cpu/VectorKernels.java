package dev.fovea.backend.cpu;

/**
 * The only way into the Vector API kernels. The JVM loads this class, and through it the classes
 * that import {@code jdk.incubator.vector}, on the first call, which {@link Kernels} makes only when
 * {@link Simd#enabled()}; without the module nothing here is ever loaded.
 */
final class VectorKernels {
    private VectorKernels() {}

    static FloatMicroKernel floats() {
        return new FloatVectorKernel();
    }

    static DoubleMicroKernel doubles() {
        return new DoubleVectorKernel();
    }

    static SimdElementwise elementwise() {
        return new ElementwiseVectorKernel();
    }

    /** The 2x2 max-pooling kernel, or null where the vectors it needs are too short. */
    static SimdPool pool() {
        return PoolVectorKernel.supported() ? new PoolVectorKernel() : null;
    }
}

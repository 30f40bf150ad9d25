package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fovea.api.backend.Backend;
import dev.fovea.backend.conformance.BackendConformanceTest;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole conformance suite on the scalar fallback (what a JVM without
 * {@code jdk.incubator.vector}, or with {@code -Dfovea.cpu.simd=false}, runs), on three threads.
 */
class CpuBackendScalarConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend openBackend() {
        return new CpuBackend(new CpuBackendProvider().devices().get(0), false, 3);
    }

    @Test
    void runsTheScalarKernels() {
        assertFalse(((CpuBackend) backend()).usesSimd());
    }
}

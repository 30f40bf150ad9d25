package dev.fovea.backend.cpu;

import dev.fovea.api.backend.Backend;
import dev.fovea.backend.conformance.BackendConformanceTest;

/** Runs the backend conformance suite on the CPU backend as discovered through its provider. */
class CpuBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend openBackend() {
        return new CpuBackendProvider().open(0);
    }
}

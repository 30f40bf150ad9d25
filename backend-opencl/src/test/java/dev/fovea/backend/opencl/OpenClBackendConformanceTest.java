package dev.fovea.backend.opencl;

import dev.fovea.api.backend.Backend;
import dev.fovea.backend.conformance.BackendConformanceTest;

/**
 * Runs the backend conformance suite, unchanged, on the default OpenCL device (PoCL in CI). Without an
 * OpenCL device the whole class is skipped loudly, or fails when {@code CI=true}.
 */
class OpenClBackendConformanceTest extends BackendConformanceTest {
    @Override
    protected Backend openBackend() {
        OpenClTestSupport.requireDevices();
        OpenClBackendProvider provider = new OpenClBackendProvider();
        return provider.open(provider.defaultDeviceIndex());
    }
}

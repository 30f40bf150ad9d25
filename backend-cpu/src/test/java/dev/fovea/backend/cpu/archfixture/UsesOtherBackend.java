package dev.fovea.backend.cpu.archfixture;

/** Violates a dependency rule: one backend depending on another. */
public final class UsesOtherBackend {
    public void run() {
        dev.fovea.backend.opencl.archfixture.OpenClBackendStandIn.touch();
    }
}

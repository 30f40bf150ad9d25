package dev.fovea.core.archfixture;

/** Violates a dependency rule: core code reaching a backend directly instead of through the SPI. */
public final class UsesABackend {
    public void run() {
        dev.fovea.backend.archfixture.BackendStandIn.touch();
    }
}

package dev.fovea.examples.archfixture;

/** Violates a dependency rule: example code reaching a backend class instead of the SPI. */
public final class UsesABackend {
    public void run() {
        dev.fovea.backend.archfixture.BackendStandIn.touch();
    }
}

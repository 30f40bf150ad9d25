package dev.fovea.backend.cpu.archfixture;

/** Violates a dependency rule: backend code depending on core. */
public final class UsesCore {
    public void run() {
        dev.fovea.core.archfixture.CoreStandIn.touch();
    }
}

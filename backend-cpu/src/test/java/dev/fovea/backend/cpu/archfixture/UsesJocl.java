package dev.fovea.backend.cpu.archfixture;

/** Violates a dependency rule: CPU backend code touching JOCL. */
public final class UsesJocl {
    public void run() {
        org.jocl.archfixture.JoclStandIn.touch();
    }
}

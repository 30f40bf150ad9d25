package dev.fovea.core.archfixture;

/** Violates a dependency rule: core code touching JOCL. */
public final class UsesJocl {
    public void run() {
        org.jocl.archfixture.JoclStandIn.touch();
    }
}

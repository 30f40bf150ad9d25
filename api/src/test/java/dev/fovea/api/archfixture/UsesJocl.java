package dev.fovea.api.archfixture;

/** Violates a dependency rule: api code touching JOCL. */
public final class UsesJocl {
    public void run() {
        org.jocl.archfixture.JoclStandIn.touch();
    }
}

package dev.fovea.examples.archfixture;

/** Violates a dependency rule: example code touching JOCL. */
public final class UsesJocl {
    public void run() {
        org.jocl.archfixture.JoclStandIn.touch();
    }
}

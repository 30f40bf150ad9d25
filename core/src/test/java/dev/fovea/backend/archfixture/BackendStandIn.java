package dev.fovea.backend.archfixture;

/**
 * Stands in for a backend class in the architecture tests' fixtures, so that a fixture can depend on that
 * package without this module having it on its class path. Test sources only.
 */
public final class BackendStandIn {
    public static void touch() {}
}

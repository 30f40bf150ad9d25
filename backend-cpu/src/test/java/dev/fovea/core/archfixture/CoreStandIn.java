package dev.fovea.core.archfixture;

/**
 * Stands in for a core class in the architecture tests' fixtures, so that a fixture can depend on that
 * package without this module having it on its class path. Test sources only.
 */
public final class CoreStandIn {
    public static void touch() {}
}

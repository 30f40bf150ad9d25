package dev.fovea.backend.cpu.archfixture;

/**
 * Stands in for a CPU backend class in the architecture tests' fixtures, so that a fixture can depend on that
 * package without this module having it on its class path. Test sources only.
 */
public final class CpuBackendStandIn {
    public static void touch() {}
}

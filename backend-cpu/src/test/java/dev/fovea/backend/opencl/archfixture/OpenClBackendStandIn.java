package dev.fovea.backend.opencl.archfixture;

/**
 * Stands in for an OpenCL backend class in the architecture tests' fixtures, so that a fixture can depend on that
 * package without this module having it on its class path. Test sources only.
 */
public final class OpenClBackendStandIn {
    public static void touch() {}
}

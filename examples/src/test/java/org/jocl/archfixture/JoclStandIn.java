package org.jocl.archfixture;

/**
 * Stands in for a JOCL class in the architecture tests' fixtures, so that a fixture can depend on that
 * package without this module having it on its class path. Test sources only.
 */
public final class JoclStandIn {
    public static void touch() {}
}

package dev.fovea.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** CI policy for tests that need a real OpenCL device: required when {@code CI=true}, skipped loudly elsewhere. */
final class OpenClTestSupport {
    private OpenClTestSupport() {}

    /** True when the environment variable or system property {@code CI} is "true" (CI runs with CI=true). */
    static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getProperty("CI"));
    }

    /** Returns the probe if it found devices; fails in CI and skips (with a loud message) elsewhere. */
    static OpenClProbe requireDevices() {
        OpenClProbe probe = OpenClPlatforms.probe();
        if (probe.foundDevices()) {
            return probe;
        }
        String reason = probe.failure().orElseThrow();
        if (isCi()) {
            fail("OpenCL device required in CI: " + reason);
        }
        System.err.println("\n*** SKIPPING OpenCL device test: no OpenCL device on this machine: " + reason
                + "\n*** (in CI, with CI=true, this is a failure)\n");
        Assumptions.abort("no OpenCL device: " + reason);
        throw new AssertionError("unreachable");
    }
}

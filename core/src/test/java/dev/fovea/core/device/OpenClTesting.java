package dev.fovea.core.device;

import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.Device;
import dev.fovea.api.backend.TransferStats;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL device for core's device tests: required when {@code CI=true} (the run fails, naming
 * the reason), skipped loudly elsewhere, like the OpenCL backend's own tests.
 */
public final class OpenClTesting {
    private OpenClTesting() {}

    /** True when the environment variable or system property {@code CI} is "true". */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getProperty("CI"));
    }

    /** The default OpenCL device; fails in CI and skips (with a loud message) elsewhere when there is none. */
    public static Device requireOpenCl() {
        BackendStatus status = Devices.statuses().stream()
                .filter(s -> s.name().equals("opencl"))
                .findFirst()
                .orElse(null);
        if (status != null && status.available()) {
            return Devices.get("opencl");
        }
        String reason = status == null ? "no 'opencl' backend on the class path" : status.reason();
        if (isCi()) {
            fail("OpenCL device required in CI: " + reason);
        }
        System.err.println("\n*** SKIPPING OpenCL device test: " + reason
                + "\n*** (in CI, with CI=true, this is a failure)\n");
        Assumptions.abort("no OpenCL device: " + reason);
        throw new AssertionError("unreachable");
    }

    /** The device's transfer counters; fails if its backend does not count them. */
    public static TransferStats stats(Device device) {
        return ((BackendDevice) device).backend().transferStats()
                .orElseThrow(() -> new AssertionError(device.name() + " does not report transfer stats"));
    }
}

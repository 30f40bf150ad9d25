package dev.fovea.api.backend;

import java.util.Objects;

/**
 * Whether a backend can run on this machine and, when it cannot, why (for example "no OpenCL ICD
 * loader: libOpenCL.so not found").
 */
public record Availability(boolean isAvailable, String reason) {

    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    /** The backend can be opened. */
    public static Availability available() {
        return new Availability(true, "");
    }

    /** The backend cannot be opened, for the stated reason. */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}

package dev.fovea.api.backend;

import java.util.List;

/**
 * Entry point of a backend, registered in {@code META-INF/services/dev.fovea.api.backend.BackendProvider}
 * and found by {@link java.util.ServiceLoader}.
 *
 * <p>Providers must be cheap to construct and must not touch native libraries in their
 * constructor: discovery instantiates every provider on the class path.
 */
public interface BackendProvider {

    /** Short lowercase name users select the backend by ("cpu", "opencl"). */
    String name();

    /** Preference when nothing is selected explicitly: the available provider with the highest rank wins. */
    int rank();

    /** Whether the backend can run here, and why not. Never throws; may cache its answer. */
    Availability availability();

    /** The devices the backend can open; empty when unavailable. Never throws. */
    List<DeviceInfo> devices();

    /**
     * The index of the device to use when the user names only the backend (a GPU before a CPU device,
     * for instance). Only called when the backend is available.
     */
    default int defaultDeviceIndex() {
        return 0;
    }

    /**
     * Opens one device for computation.
     *
     * @throws IllegalStateException if the backend is unavailable (the message gives the reason)
     * @throws IllegalArgumentException if {@code deviceIndex} is not one of {@link #devices()}
     */
    Backend open(int deviceIndex);
}

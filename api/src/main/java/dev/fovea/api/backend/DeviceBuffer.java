package dev.fovea.api.backend;

/**
 * A block of device memory holding {@link #elements()} values of one {@link dev.fovea.api.DType}.
 * Created by {@link Backend#allocate}; only the backend that made it can read or run kernels on it.
 */
public interface DeviceBuffer extends AutoCloseable {

    dev.fovea.api.DType dtype();

    /** Capacity in elements. */
    long elements();

    /** Whether {@link #close()} has released the memory. */
    boolean isReleased();

    /** Releases the memory (or returns it to the backend's pool). Idempotent. */
    @Override
    void close();
}

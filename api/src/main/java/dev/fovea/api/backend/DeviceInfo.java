package dev.fovea.api.backend;

import java.util.Objects;

/**
 * What a backend reports about one of its devices.
 *
 * @param backend name of the backend, e.g. "opencl"
 * @param index the device's index among the backend's devices
 * @param name human-readable model name, e.g. "NVIDIA H200" or "pthread-AMD EPYC"
 * @param kind CPU, GPU, ...
 * @param memoryBytes memory the device offers (0 when unknown)
 * @param computeUnits parallel units (cores or compute units)
 * @param supportsFloat64 whether FLOAT64 kernels can run here
 */
public record DeviceInfo(
        String backend,
        int index,
        String name,
        DeviceKind kind,
        long memoryBytes,
        int computeUnits,
        boolean supportsFloat64) {

    public DeviceInfo {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** {@code backend:index}, the name users select the device by. */
    public String id() {
        return backend + ":" + index;
    }
}

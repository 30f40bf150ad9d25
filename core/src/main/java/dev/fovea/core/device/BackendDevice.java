package dev.fovea.core.device;

import dev.fovea.api.Device;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.DeviceInfo;
import java.util.Objects;

/**
 * A {@link Device} backed by an opened {@link Backend}. Tensors keep a reference to it and run
 * their kernels through {@link #backend()}. Two handles are the same device when they share the
 * backend instance.
 */
public final class BackendDevice implements Device {
    private final Backend backend;
    private final DeviceInfo info;

    public BackendDevice(Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.info = backend.device();
    }

    /** The opened backend that runs this device's kernels. */
    public Backend backend() {
        return backend;
    }

    @Override
    public String backendName() {
        return info.backend();
    }

    @Override
    public int index() {
        return info.index();
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public String toString() {
        return name() + " (" + info.name() + ")";
    }
}

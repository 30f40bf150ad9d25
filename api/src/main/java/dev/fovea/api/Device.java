package dev.fovea.api;

import dev.fovea.api.backend.DeviceInfo;

/**
 * Where a tensor's memory lives and its kernels run: one device of one backend, such as
 * {@code cpu:0} or {@code opencl:1}. Tensors stay on their device; an operation that mixes devices
 * fails with a message naming both.
 */
public interface Device {
    /** The device's name, {@code backend:index}, e.g. {@code "opencl:0"}. */
    default String name() {
        return backendName() + ":" + index();
    }

    /** Name of the backend that drives the device, e.g. {@code "cpu"}. */
    String backendName();

    /** Index of the device among its backend's devices. */
    int index();

    /** What the backend reports about the device (model, kind, memory). */
    DeviceInfo info();
}

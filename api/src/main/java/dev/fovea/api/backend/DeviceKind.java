package dev.fovea.api.backend;

/** The broad kind of a compute device, used to prefer a GPU over a CPU device by default. */
public enum DeviceKind {
    CPU,
    GPU,
    ACCELERATOR,
    OTHER
}

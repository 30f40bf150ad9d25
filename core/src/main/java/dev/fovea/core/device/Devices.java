package dev.fovea.core.device;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.Device;

/**
 * The convenient front to device selection: one {@link BackendRegistry}, discovered on first use,
 * for programs that do not wire their own.
 *
 * <pre>{@code
 * Device cpu = Devices.get("cpu");
 * Device any = Devices.defaultDevice();   // -Dfovea.backend / FOVEA_BACKEND / best ranked
 * Devices.setDefault(Devices.get("opencl:1"));
 * }</pre>
 */
public final class Devices {
    private Devices() {}

    private static final class Holder {
        static final BackendRegistry REGISTRY = BackendRegistry.discover();
    }

    /** The registry the static methods use. */
    public static BackendRegistry registry() {
        return Holder.REGISTRY;
    }

    /** See {@link BackendRegistry#get(String)}. */
    public static Device get(String name) {
        return registry().get(name);
    }

    /** See {@link BackendRegistry#best()}. */
    public static Device best() {
        return registry().best();
    }

    /** See {@link BackendRegistry#defaultDevice()}. */
    public static Device defaultDevice() {
        return registry().defaultDevice();
    }

    /** See {@link BackendRegistry#setDefault(Device)}. */
    public static void setDefault(Device device) {
        registry().setDefault(device);
    }

    /** See {@link BackendRegistry#statuses()}. */
    public static ImmutableList<BackendStatus> statuses() {
        return registry().statuses();
    }
}

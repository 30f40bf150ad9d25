package dev.fovea.backend.opencl;

import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceInfo;
import java.util.List;

/**
 * The {@code "opencl"} backend provider (rank 20, above the CPU backend).
 *
 * <p>It finds OpenCL devices through {@link OpenClPlatforms#probe()}, once per process and without
 * ever throwing. The kernels are not written yet, so the provider is always unavailable: when
 * devices exist the reason says so and names them ("OpenCL kernels are not implemented yet (found 1
 * device: ...)"); otherwise it gives the reason OpenCL could not be used. Construction touches no
 * native code.
 */
public final class OpenClBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "opencl";
    /** Preferred over the CPU backend once it is available. */
    public static final int RANK = 20;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Availability availability() {
        return availabilityFor(OpenClPlatforms.probe());
    }

    /** What the provider reports for a given probe outcome. */
    static Availability availabilityFor(OpenClProbe probe) {
        if (!probe.foundDevices()) {
            return Availability.unavailable(probe.failure().orElseThrow());
        }
        return Availability.unavailable("OpenCL kernels are not implemented yet (" + probe.summary() + ")");
    }

    /**
     * The devices this backend can open: none while it is unavailable, as the SPI requires. The
     * devices OpenCL reports are listed by {@link #detectedDevices()}.
     */
    @Override
    public List<DeviceInfo> devices() {
        return availability().isAvailable() ? OpenClPlatforms.probe().deviceInfos() : List.of();
    }

    /** Every OpenCL device found on this machine, whether or not the backend can use it yet. */
    public List<DeviceInfo> detectedDevices() {
        return OpenClPlatforms.probe().deviceInfos();
    }

    /** The first GPU, else the first CPU device, among {@link #detectedDevices()}. */
    @Override
    public int defaultDeviceIndex() {
        return OpenClPlatforms.probe().defaultDeviceIndex();
    }

    /**
     * @throws IllegalStateException always for now, with the reason the backend is unavailable
     */
    @Override
    public Backend open(int deviceIndex) {
        Availability availability = availability();
        throw new IllegalStateException("the OpenCL backend cannot open device " + NAME + ":" + deviceIndex + ": "
                + (availability.isAvailable() ? "OpenCL kernels are not implemented yet" : availability.reason()));
    }

    @Override
    public String toString() {
        return "OpenClBackendProvider[" + availability().reason() + "]";
    }
}

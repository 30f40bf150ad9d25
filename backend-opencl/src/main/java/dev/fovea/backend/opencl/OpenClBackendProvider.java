package dev.fovea.backend.opencl;

import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceInfo;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code "opencl"} backend provider.
 *
 * <p><b>Rank is dynamic.</b> With a GPU among the OpenCL devices the provider ranks {@value #RANK_WITH_GPU},
 * above the CPU backend (10), so a machine with a GPU uses it by default. With only CPU devices (PoCL,
 * Intel's CPU runtime) it ranks {@value #RANK_CPU_ONLY}, below the CPU backend: the pure-Java kernels are
 * faster there, and OpenCL on the CPU is something a user asks for ({@code --device opencl},
 * {@code -Dfovea.backend=opencl}).
 *
 * <p><b>Availability</b> needs a device and a program that builds: the first call enumerates the devices
 * ({@link OpenClPlatforms#probe()}) and builds the kernels on the default device (cached with its context
 * in {@link OpenClContext}, so opening that device later does not build again). The answer is cached; it
 * never throws. The reason names what is missing: the ICD loader, a platform, a device, or the build
 * (with the first lines of its log). Creating that context starts PoCL's signal handlers; see
 * docs/opencl.md for the {@code libjsig} preload every JVM that uses OpenCL needs.
 *
 * <p><b>Devices</b> are {@code opencl:0..n}, GPUs first, then the others, in platform and device order;
 * the default is the first GPU, else the first CPU device. Construction touches no native code.
 */
public final class OpenClBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "opencl";
    /** Rank when a GPU is present: above the CPU backend's 10. */
    public static final int RANK_WITH_GPU = 20;
    /** Rank when only CPU (or other) devices are present: below the CPU backend's 10. */
    public static final int RANK_CPU_ONLY = 5;
    /** How many lines of a failed build's log the availability reason quotes. */
    static final int LOG_LINES_IN_REASON = 12;

    private static final class Cached {
        static final Availability AVAILABILITY = availabilityFor(OpenClPlatforms.probe(), OpenClBackendProvider::buildCheck);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@value #RANK_WITH_GPU} with a GPU, else {@value #RANK_CPU_ONLY}. May run the (cached) device probe. */
    @Override
    public int rank() {
        return rankFor(OpenClPlatforms.probe());
    }

    static int rankFor(OpenClProbe probe) {
        return probe.hasGpu() ? RANK_WITH_GPU : RANK_CPU_ONLY;
    }

    @Override
    public Availability availability() {
        return Cached.AVAILABILITY;
    }

    /**
     * What the provider reports for a probe outcome, given a check that builds the program on a device and
     * returns the failure, if any. Never throws.
     */
    static Availability availabilityFor(OpenClProbe probe, Function<OpenClDevice, Optional<String>> build) {
        if (!probe.foundDevices()) {
            return Availability.unavailable(probe.failure().orElseThrow());
        }
        OpenClDevice device = probe.devices().get(probe.defaultDeviceIndex());
        Optional<String> failure;
        try {
            failure = build.apply(device);
        } catch (RuntimeException | LinkageError e) {
            failure = Optional.of(String.valueOf(e));
        }
        if (failure.isPresent()) {
            return Availability.unavailable("the OpenCL kernels do not build on " + NAME + ":"
                    + probe.defaultDeviceIndex() + " " + device.name() + ": " + firstLines(failure.get()));
        }
        return Availability.available();
    }

    private static Optional<String> buildCheck(OpenClDevice device) {
        try {
            OpenClContext.of(device);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    static String firstLines(String text) {
        List<String> lines = text.lines().toList();
        if (lines.size() <= LOG_LINES_IN_REASON) {
            return text.strip();
        }
        return lines.stream().limit(LOG_LINES_IN_REASON).collect(Collectors.joining("\n")) + "\n... ("
                + (lines.size() - LOG_LINES_IN_REASON) + " more lines)";
    }

    /** Every OpenCL device, GPUs first; empty when the backend is unavailable. */
    @Override
    public List<DeviceInfo> devices() {
        return availability().isAvailable() ? OpenClPlatforms.probe().deviceInfos() : List.of();
    }

    /** Every OpenCL device found on this machine, whether or not the backend can use it. */
    public List<DeviceInfo> detectedDevices() {
        return OpenClPlatforms.probe().deviceInfos();
    }

    /** The first GPU, else the first CPU device. */
    @Override
    public int defaultDeviceIndex() {
        return OpenClPlatforms.probe().defaultDeviceIndex();
    }

    /**
     * Opens {@code opencl:deviceIndex}; the program is built on first use of a device and shared after.
     *
     * @throws IllegalStateException if the backend is unavailable, or the device's program does not build
     * @throws IllegalArgumentException if there is no such device
     */
    @Override
    public Backend open(int deviceIndex) {
        Availability availability = availability();
        if (!availability.isAvailable()) {
            throw new IllegalStateException("the OpenCL backend cannot open device " + NAME + ":" + deviceIndex + ": "
                    + availability.reason());
        }
        OpenClProbe probe = OpenClPlatforms.probe();
        List<DeviceInfo> infos = probe.deviceInfos();
        if (deviceIndex < 0 || deviceIndex >= infos.size()) {
            throw new IllegalArgumentException("there is no device " + NAME + ":" + deviceIndex + "; the OpenCL devices are "
                    + infos.stream().map(i -> i.id() + " (" + i.name() + ", " + i.kind() + ")")
                            .collect(Collectors.joining(", ")));
        }
        OpenClContext context = OpenClContext.of(probe.devices().get(deviceIndex));
        return new OpenClBackend(context, infos.get(deviceIndex));
    }

    @Override
    public String toString() {
        Availability availability = availability();
        return "OpenClBackendProvider[" + (availability.isAvailable() ? "available" : availability.reason()) + "]";
    }
}

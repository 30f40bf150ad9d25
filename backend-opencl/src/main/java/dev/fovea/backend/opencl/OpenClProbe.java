package dev.fovea.backend.opencl;

import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The immutable outcome of looking for OpenCL: either the devices found or the reason none could be
 * found. Devices are listed GPUs first, then every other device; within each group in platform
 * order, then device order within each platform (a stable order, so {@code opencl:N} names the same
 * device from run to run on one machine).
 */
public final class OpenClProbe {
    private final List<OpenClDevice> devices;
    private final String failure;

    private OpenClProbe(List<OpenClDevice> devices, String failure) {
        this.devices = List.copyOf(devices);
        this.failure = failure;
    }

    /** At least one device was found; they are reordered GPUs first (stably). */
    public static OpenClProbe found(List<OpenClDevice> devices) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("a successful OpenCL probe needs at least one device");
        }
        List<OpenClDevice> ordered = new ArrayList<>(devices);
        ordered.sort(Comparator.comparingInt(d -> d.kind() == DeviceKind.GPU ? 0 : 1));
        return new OpenClProbe(ordered, null);
    }

    /** No device could be found, for the stated reason. */
    public static OpenClProbe failed(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a failed OpenCL probe needs a reason");
        }
        return new OpenClProbe(List.of(), reason);
    }

    /** Whether at least one device was found. */
    public boolean foundDevices() {
        return failure == null;
    }

    /** The devices found; empty when the probe failed. */
    public List<OpenClDevice> devices() {
        return devices;
    }

    /** Why no device was found; empty when devices were found. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The devices as the backend SPI describes them, indexed in list order. */
    public List<DeviceInfo> deviceInfos() {
        List<DeviceInfo> infos = new ArrayList<>(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            infos.add(devices.get(i).toDeviceInfo(i));
        }
        return List.copyOf(infos);
    }

    /** Whether any device found is a GPU. */
    public boolean hasGpu() {
        return devices.stream().anyMatch(d -> d.kind() == DeviceKind.GPU);
    }

    /** Index of the first GPU (always 0 when there is one), else of the first CPU device, else 0. */
    public int defaultDeviceIndex() {
        for (DeviceKind preferred : new DeviceKind[] {DeviceKind.GPU, DeviceKind.CPU}) {
            for (int i = 0; i < devices.size(); i++) {
                if (devices.get(i).kind() == preferred) {
                    return i;
                }
            }
        }
        return 0;
    }

    /** "found 1 device: opencl:0 pthread-... (CPU, ...) on Portable Computing Language", or the failure. */
    public String summary() {
        if (failure != null) {
            return failure;
        }
        List<DeviceInfo> infos = deviceInfos();
        String list = infos.stream()
                .map(info -> info.id() + " " + devices.get(info.index()).describe())
                .collect(Collectors.joining("; "));
        return "found " + devices.size() + (devices.size() == 1 ? " device: " : " devices: ") + list;
    }

    @Override
    public String toString() {
        return "OpenClProbe[" + summary() + "]";
    }
}

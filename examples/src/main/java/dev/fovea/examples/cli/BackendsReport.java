package dev.fovea.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.core.device.BackendStatus;
import dev.fovea.core.device.Devices;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What discovery found: every backend, available or not and why, its devices, and the default
 * device with where that default came from. Used by {@code fovea backends} and the tour.
 *
 * @param statuses every discovered backend, highest rank first
 * @param defaultDevice id of the default device ({@code "cpu:0"}), or {@code null} when there is none
 * @param defaultSource where the default comes from: "code" (--device), "property", "environment", "rank"
 * @param defaultError why there is no default device, or {@code null}
 */
public record BackendsReport(
        List<BackendStatus> statuses, String defaultDevice, String defaultSource, String defaultError) {

    /** Asks the registry now. Never throws: a default that cannot be opened is reported, not raised. */
    public static BackendsReport collect() {
        List<BackendStatus> statuses = Devices.statuses();
        String source = Devices.registry().defaultSource();
        try {
            return new BackendsReport(statuses, Devices.defaultDevice().name(), source, null);
        } catch (RuntimeException e) {
            return new BackendsReport(statuses, null, source, e.getMessage());
        }
    }

    /** The JSON form: {@code backends} (name, rank, available, reason, devices) and {@code default}. */
    public JsonObject toJson() {
        JsonObject object = new JsonObject();
        JsonArray backends = new JsonArray();
        for (BackendStatus status : statuses) {
            JsonObject backend = new JsonObject();
            backend.addProperty("name", status.name());
            backend.addProperty("rank", status.rank());
            backend.addProperty("available", status.available());
            backend.addProperty("reason", status.reason());
            JsonArray devices = new JsonArray();
            for (DeviceInfo info : status.devices()) {
                JsonObject device = new JsonObject();
                device.addProperty("id", info.id());
                device.addProperty("name", info.name());
                device.addProperty("kind", info.kind().name());
                device.addProperty("memoryBytes", info.memoryBytes());
                device.addProperty("computeUnits", info.computeUnits());
                device.addProperty("fp64", info.supportsFloat64());
                device.addProperty("default", info.id().equals(defaultDevice));
                devices.add(device);
            }
            backend.add("devices", devices);
            backends.add(backend);
        }
        object.add("backends", backends);
        object.addProperty("default", defaultDevice);
        object.addProperty("defaultSource", defaultSource);
        object.addProperty("defaultError", defaultError);
        return object;
    }

    /** One line: {@code Backends: cpu (cpu:0), opencl (unavailable: ...). Default device: cpu:0 (...)}. */
    public String summaryLine() {
        String backends = statuses.isEmpty()
                ? "none found on the class path"
                : statuses.stream()
                        .map(s -> s.available()
                                ? s.name() + " (" + s.devices().stream().map(DeviceInfo::id)
                                        .collect(Collectors.joining(", ")) + ")"
                                : s.name() + " (unavailable: " + s.reason() + ")")
                        .collect(Collectors.joining(", "));
        return "Backends: " + backends + ". " + defaultLine();
    }

    /** Writes the table {@code fovea backends} shows. */
    public void print(PrintWriter out) {
        if (statuses.isEmpty()) {
            out.println("No Fovea backend was found on the class path. Add fovea-backend-cpu.");
        }
        for (BackendStatus status : statuses) {
            if (status.available()) {
                out.printf(Locale.ROOT, "%-8s available   (rank %d, %d device%s)%n", status.name(), status.rank(),
                        status.devices().size(), status.devices().size() == 1 ? "" : "s");
            } else {
                out.printf(Locale.ROOT, "%-8s unavailable (rank %d): %s%n", status.name(), status.rank(),
                        status.reason());
            }
            for (DeviceInfo info : status.devices()) {
                out.printf(Locale.ROOT, "  %-10s %-36s %-11s %10s  %4d compute units  fp64 %-3s%s%n",
                        info.id(), info.name(), info.kind(), formatBytes(info.memoryBytes()), info.computeUnits(),
                        info.supportsFloat64() ? "yes" : "no", info.id().equals(defaultDevice) ? "  <- default" : "");
            }
        }
        out.println(defaultLine());
        out.flush();
    }

    private String defaultLine() {
        if (defaultDevice == null) {
            return "No default device: " + defaultError;
        }
        return "Default device: " + defaultDevice + " (from " + DeviceSelection.describeSource(defaultSource)
                + "; choose another with --device, -Dfovea.backend or FOVEA_BACKEND).";
    }

    /** "16.0 GiB"; "unknown" for 0. */
    static String formatBytes(long bytes) {
        if (bytes <= 0) {
            return "unknown";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }
}

package dev.fovea.backend.cpu;

import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The "cpu" backend: always available, one device, the lowest preference of the built-in backends. */
public final class CpuBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "cpu";
    /** Rank: below every accelerator backend. */
    public static final int RANK = 10;

    private volatile DeviceInfo device;

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
        return Availability.available();
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(device());
    }

    @Override
    public Backend open(int deviceIndex) {
        if (deviceIndex != 0) {
            throw new IllegalArgumentException("the cpu backend has one device, cpu:0; there is no cpu:" + deviceIndex);
        }
        return new CpuBackend(device());
    }

    private DeviceInfo device() {
        DeviceInfo d = device;
        if (d == null) {
            int threads = Runtime.getRuntime().availableProcessors();
            d = new DeviceInfo(NAME, 0, cpuModel() + " (" + threads + " threads)", DeviceKind.CPU,
                    Runtime.getRuntime().maxMemory(), threads, true);
            device = d;
        }
        return d;
    }

    /** The CPU model from /proc/cpuinfo where there is one, else the JVM's architecture name. */
    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                try (Stream<String> lines = Files.lines(cpuinfo)) {
                    String model = lines.filter(l -> l.startsWith("model name") && l.indexOf(':') > 0)
                            .map(l -> l.substring(l.indexOf(':') + 1).trim())
                            .filter(s -> !s.isEmpty())
                            .findFirst()
                            .orElse(null);
                    if (model != null) {
                        return model;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the architecture name: discovery must never fail
        }
        return System.getProperty("os.arch", "unknown CPU");
    }
}

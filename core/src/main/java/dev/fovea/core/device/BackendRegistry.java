package dev.fovea.core.device;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.Device;
import dev.fovea.api.backend.Availability;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.DeviceInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The backends found on the class path, and the devices opened from them.
 *
 * <p>Selection order for the default device: a device set from code ({@link #setDefault}) &gt; the
 * system property {@value #PROPERTY} &gt; the environment variable {@value #ENVIRONMENT} &gt; the
 * available provider of highest rank. A name is {@code backend} or {@code backend:index}. An
 * unknown or unavailable name fails with a message listing what is available.
 *
 * <p>Each device is opened once per registry and shared; {@link #close()} closes them all.
 * Registries are independent of each other: there is no hidden global state beyond the one
 * {@link Devices} keeps for convenience.
 */
public final class BackendRegistry implements AutoCloseable {
    /** System property that selects the default backend or device, e.g. {@code -Dfovea.backend=cpu}. */
    public static final String PROPERTY = "fovea.backend";
    /** Environment variable that selects the default backend or device, e.g. {@code FOVEA_BACKEND=opencl:1}. */
    public static final String ENVIRONMENT = "FOVEA_BACKEND";

    private final ImmutableList<BackendProvider> providers;
    private final Function<String, String> properties;
    private final Function<String, String> environment;
    private final Map<String, BackendDevice> opened = new HashMap<>();
    private Device explicitDefault;

    private BackendRegistry(
            List<BackendProvider> providers, Function<String, String> properties, Function<String, String> environment) {
        this.providers = ImmutableList.sortedCopyOf(
                Comparator.comparingInt(BackendProvider::rank).reversed().thenComparing(BackendProvider::name),
                providers);
        this.properties = properties;
        this.environment = environment;
    }

    /** Finds providers with {@link ServiceLoader} on the context class loader (or this class's). */
    public static BackendRegistry discover() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = BackendRegistry.class.getClassLoader();
        }
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, loader).forEach(found::add);
        return new BackendRegistry(found, System::getProperty, System::getenv);
    }

    /**
     * A registry over the given providers, with the given sources for the system property and the
     * environment variable (tests use this to avoid touching the real ones).
     */
    public static BackendRegistry of(
            List<BackendProvider> providers, Function<String, String> properties, Function<String, String> environment) {
        return new BackendRegistry(providers, properties, environment);
    }

    /** The providers found, highest rank first. */
    public ImmutableList<BackendProvider> providers() {
        return providers;
    }

    /** Availability and devices of every provider, highest rank first. Never throws. */
    public ImmutableList<BackendStatus> statuses() {
        ImmutableList.Builder<BackendStatus> out = ImmutableList.builder();
        for (BackendProvider p : providers) {
            Availability a = safeAvailability(p);
            List<DeviceInfo> devices = a.isAvailable() ? safeDevices(p) : List.of();
            out.add(new BackendStatus(p.name(), p.rank(), a.isAvailable(), a.reason(), ImmutableList.copyOf(devices)));
        }
        return out.build();
    }

    /**
     * The device named {@code name}: {@code "cpu"}, {@code "opencl"} (its default device) or
     * {@code "opencl:1"}. Case does not matter.
     *
     * @throws IllegalArgumentException for an unknown backend or device index, listing what exists
     * @throws IllegalStateException for a backend that is unavailable here, with its reason
     */
    public synchronized Device get(String name) {
        checkArgument(name != null && !name.isBlank(), "a device name is needed, e.g. 'cpu' or 'opencl:0'; %s",
                describeAvailable());
        String trimmed = name.trim().toLowerCase(Locale.ROOT);
        String backendName = trimmed;
        Integer index = null;
        int colon = trimmed.indexOf(':');
        if (colon >= 0) {
            backendName = trimmed.substring(0, colon);
            String indexText = trimmed.substring(colon + 1);
            try {
                index = Integer.parseInt(indexText);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + name + "' has a non-numeric index '" + indexText
                        + "'; use backend:index, e.g. 'opencl:0'");
            }
        }
        BackendProvider provider = find(backendName).orElseThrow(() -> new IllegalArgumentException(
                "unknown backend '" + name + "'; " + describeAvailable()));
        Availability availability = safeAvailability(provider);
        if (!availability.isAvailable()) {
            throw new IllegalStateException("backend '" + provider.name() + "' is not available: "
                    + availability.reason() + "; " + describeAvailable());
        }
        List<DeviceInfo> devices = safeDevices(provider);
        int chosen = index != null ? index : provider.defaultDeviceIndex();
        if (chosen < 0 || chosen >= devices.size()) {
            throw new IllegalArgumentException("backend '" + provider.name() + "' has no device " + chosen + "; it has "
                    + devices.stream().map(d -> d.id() + " (" + d.name() + ")").collect(Collectors.joining(", ")));
        }
        String key = provider.name() + ":" + chosen;
        BackendDevice device = opened.get(key);
        if (device == null) {
            Backend backend = provider.open(chosen);
            device = new BackendDevice(backend);
            opened.put(key, device);
        }
        return device;
    }

    /** The device of the available provider with the highest rank. */
    public Device best() {
        for (BackendProvider p : providers) {
            if (safeAvailability(p).isAvailable()) {
                return get(p.name());
            }
        }
        throw new IllegalStateException("no Fovea backend is available; " + describeAvailable()
                + ". Put fovea-backend-cpu on the class path.");
    }

    /**
     * The default device: set from code, else named by {@value #PROPERTY} or {@value #ENVIRONMENT},
     * else the best available.
     */
    public synchronized Device defaultDevice() {
        if (explicitDefault != null) {
            return explicitDefault;
        }
        String fromProperty = properties.apply(PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return get(fromProperty);
        }
        String fromEnvironment = environment.apply(ENVIRONMENT);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return get(fromEnvironment);
        }
        return best();
    }

    /** Where the default comes from now: "code", "property", "environment" or "rank". */
    public synchronized String defaultSource() {
        if (explicitDefault != null) {
            return "code";
        }
        String fromProperty = properties.apply(PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return "property";
        }
        String fromEnvironment = environment.apply(ENVIRONMENT);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return "environment";
        }
        return "rank";
    }

    /** Makes {@code device} the default from now on; {@code null} returns to configuration and rank. */
    public synchronized void setDefault(Device device) {
        this.explicitDefault = device;
    }

    /** Closes every device this registry opened. */
    @Override
    public synchronized void close() {
        opened.values().forEach(d -> d.backend().close());
        opened.clear();
        explicitDefault = null;
    }

    private Optional<BackendProvider> find(String backendName) {
        return providers.stream().filter(p -> p.name().equalsIgnoreCase(backendName)).findFirst();
    }

    /** "available backends: cpu (cpu:0), opencl (unavailable: no platform)". */
    private String describeAvailable() {
        if (providers.isEmpty()) {
            return "no backends were found on the class path";
        }
        return "backends found: " + statuses().stream()
                .map(s -> s.available()
                        ? s.name() + " (" + s.devices().stream().map(DeviceInfo::id).collect(Collectors.joining(", ")) + ")"
                        : s.name() + " (unavailable: " + s.reason() + ")")
                .collect(Collectors.joining(", "));
    }

    private static Availability safeAvailability(BackendProvider p) {
        try {
            return p.availability();
        } catch (RuntimeException | LinkageError e) {
            // The SPI says availability() never throws; a provider that does is reported, not trusted.
            return Availability.unavailable("provider '" + p.name() + "' failed its availability check: " + e);
        }
    }

    private static List<DeviceInfo> safeDevices(BackendProvider p) {
        try {
            return p.devices();
        } catch (RuntimeException | LinkageError e) {
            return List.of();
        }
    }
}

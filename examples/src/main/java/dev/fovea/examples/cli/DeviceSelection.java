package dev.fovea.examples.cli;

import dev.fovea.api.Device;
import dev.fovea.core.device.BackendRegistry;
import dev.fovea.core.device.Devices;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns {@code --device} (or the configured default) into a {@link Device}. A name the registry
 * rejects — unknown backend, unavailable backend, missing device index — is a usage error: exit
 * code 2 with the registry's message, which lists the backends that were found.
 */
public final class DeviceSelection {
    private DeviceSelection() {}

    /**
     * Applies {@code --device} if given (it becomes the default, {@link Devices#setDefault}) and
     * returns the default device.
     *
     * @throws ParameterException when the named or configured device cannot be used
     */
    public static Device resolve(CommandLine commandLine, CommonOptions options) {
        applyDeviceOption(commandLine, options);
        try {
            return Devices.defaultDevice();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(commandLine, "the default device (from " + describeSource(
                    Devices.registry().defaultSource()) + ") cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Applies {@code --device} if given, without opening the default otherwise.
     *
     * @throws ParameterException when the named device cannot be used
     */
    public static void applyDeviceOption(CommandLine commandLine, CommonOptions options) {
        String name = options.device();
        if (name == null) {
            return;
        }
        try {
            Devices.setDefault(Devices.get(name));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(commandLine, "--device " + name + ": " + e.getMessage(), e);
        }
    }

    /** Words for {@link BackendRegistry#defaultSource()}: where the default device came from. */
    public static String describeSource(String source) {
        return switch (source) {
            case "code" -> "--device";
            case "property" -> "system property -D" + BackendRegistry.PROPERTY + "="
                    + System.getProperty(BackendRegistry.PROPERTY);
            case "environment" -> "environment variable " + BackendRegistry.ENVIRONMENT + "="
                    + System.getenv(BackendRegistry.ENVIRONMENT);
            case "rank" -> "the highest-ranked available backend";
            default -> source;
        };
    }
}

package dev.fovea.examples.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fovea.api.Device;
import dev.fovea.core.device.Devices;
import dev.fovea.core.inject.FoveaModule;
import dev.fovea.core.inject.TrainingSettings;
import dev.fovea.core.train.TrainingListener;
import java.util.List;

/**
 * How the {@code fovea} program wires a training run with Guice: core's {@link FoveaModule} over the
 * program's registry, bound to the device the command resolved from {@code --device} (or the
 * configuration), with the command's settings, plus a module contributing the command's listeners
 * (console progress, ...). The command then takes its {@code Device} and ready {@code Trainer} from the
 * injector.
 */
public final class Wiring {
    private Wiring() {}

    /**
     * An injector for one training command.
     *
     * @param device the device the command resolved ({@link DeviceSelection}); bound by its name, which
     *     the shared registry maps back to this same device
     * @param settings the command's epochs, batch size, learning rate and seed
     * @param listeners the listeners the command's Trainer gets, in this order
     */
    public static Injector forTraining(Device device, TrainingSettings settings, List<TrainingListener> listeners) {
        return Guice.createInjector(
                FoveaModule.builder().registry(Devices.registry()).device(device.name()).settings(settings).build(),
                binder -> listeners.forEach(l -> FoveaModule.listeners(binder).addBinding().toInstance(l)));
    }
}

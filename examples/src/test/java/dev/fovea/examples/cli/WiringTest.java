package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.inject.Injector;
import dev.fovea.api.Device;
import dev.fovea.core.device.Devices;
import dev.fovea.core.inject.TrainingSettings;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import java.util.List;
import org.junit.jupiter.api.Test;

class WiringTest {
    @Test
    void theInjectorGivesTheResolvedDeviceAndATrainerWithTheCommandsListeners() {
        Device cpu = Devices.get("cpu");
        TrainingListener progress = new TrainingListener() {};
        TrainingListener other = new TrainingListener() {};
        Injector injector = Wiring.forTraining(cpu, TrainingSettings.defaults().withEpochs(2), List.of(progress, other));
        assertSame(cpu, injector.getInstance(Device.class));
        Trainer trainer = injector.getInstance(Trainer.class);
        assertEquals(2, trainer.totalEpochs());
        assertEquals(List.of(progress, other), trainer.listeners());
    }
}

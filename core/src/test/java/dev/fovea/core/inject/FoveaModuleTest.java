package dev.fovea.core.inject;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.fovea.api.Device;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.core.device.BackendRegistry;
import dev.fovea.core.device.Devices;
import dev.fovea.core.train.EpochMetrics;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FoveaModuleTest {

    /** A registry over the class path's backends, reading the given property and environment maps. */
    private static BackendRegistry registry(Map<String, String> properties, Map<String, String> environment) {
        List<BackendProvider> providers = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(providers::add);
        return BackendRegistry.of(providers, properties::get, environment::get);
    }

    /** A listener that remembers its name, to tell instances apart. */
    record Named(String name) implements TrainingListener {
        @Override
        public void onEpochEnd(EpochMetrics metrics) {}
    }

    @Test
    void bindsTheExplicitlyNamedDevice() {
        BackendRegistry backends = registry(Map.of(), Map.of(BackendRegistry.ENVIRONMENT, "nope"));
        Injector injector = Guice.createInjector(FoveaModule.builder().registry(backends).device(" CPU ").build());
        Device device = injector.getInstance(Device.class);
        assertEquals("cpu:0", device.name());
        assertSame(device, injector.getInstance(Device.class), "one device per injector");
        assertSame(backends.get("cpu"), device, "opened through the given registry");
        assertSame(backends, injector.getInstance(BackendRegistry.class));
    }

    @Test
    void withoutANameTheConfigurationDecides() {
        // the system property wins over the environment variable ...
        BackendRegistry both = registry(Map.of(BackendRegistry.PROPERTY, "cpu:0"), Map.of(BackendRegistry.ENVIRONMENT,
                "nope"));
        assertEquals("cpu:0", Guice.createInjector(FoveaModule.builder().registry(both).build())
                .getInstance(Device.class).name());

        // ... the environment variable is read when the property is absent ...
        BackendRegistry environment = registry(Map.of(), Map.of(BackendRegistry.ENVIRONMENT, "nope"));
        ProvisionException e = assertThrows(ProvisionException.class,
                () -> Guice.createInjector(FoveaModule.builder().registry(environment).build()).getInstance(Device.class));
        assertTrue(e.getMessage().contains("unknown backend 'nope'"), e.getMessage());

        // ... and with neither the best-ranked backend is bound.
        BackendRegistry none = registry(Map.of(), Map.of());
        assertEquals(none.best(), Guice.createInjector(FoveaModule.builder().registry(none).build())
                .getInstance(Device.class));
    }

    @Test
    void anUnknownBackendFailsAtInjectionWithTheRegistrysMessage() {
        BackendRegistry backends = registry(Map.of(), Map.of());
        String registryMessage = assertThrows(IllegalArgumentException.class, () -> backends.get("nope")).getMessage();
        assertTrue(registryMessage.contains("backends found: cpu"), registryMessage);

        Injector injector = Guice.createInjector(FoveaModule.builder().registry(backends).device("nope").build());
        ProvisionException e = assertThrows(ProvisionException.class, () -> injector.getInstance(Device.class));
        assertTrue(e.getMessage().contains(registryMessage), e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(registryMessage, e.getCause().getMessage());
    }

    @Test
    void listenersFromEveryModuleEndUpOnTheTrainer() {
        TrainingListener first = new Named("progress");
        TrainingListener second = new Named("csv");
        TrainingListener third = new Named("checkpoints");
        Injector injector = Guice.createInjector(
                FoveaModule.builder().settings(TrainingSettings.defaults().withEpochs(3).withGradientClip(1.5)
                        .withEvaluateEvery(2)).build(),
                new AbstractModule() {
                    @Override
                    protected void configure() {
                        FoveaModule.listeners(binder()).addBinding().toInstance(first);
                    }
                },
                binder -> {
                    FoveaModule.listeners(binder).addBinding().toInstance(second);
                    FoveaModule.listeners(binder).addBinding().toInstance(third);
                });
        Trainer trainer = injector.getInstance(Trainer.class);
        assertEquals(List.of(first, second, third), trainer.listeners());
        assertEquals(3, trainer.totalEpochs());
        assertEquals(1.5, trainer.gradientClip());
        assertEquals(2, trainer.evaluationInterval());
        assertEquals(3, injector.getInstance(TrainingSettings.class).epochs());
    }

    @Test
    void withoutListenerBindingsTheTrainerHasNone() {
        Trainer trainer = Guice.createInjector(FoveaModule.fromConfiguration()).getInstance(Trainer.class);
        assertEquals(List.of(), trainer.listeners());
        assertEquals(TrainingSettings.defaults().epochs(), trainer.totalEpochs());
        assertSame(Devices.registry(), Guice.createInjector(FoveaModule.fromConfiguration())
                .getInstance(BackendRegistry.class));
    }

    @Test
    void settingsAreValidated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingSettings.defaults().withBatchSize(0));
        assertEquals("batchSize must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrainingSettings.defaults().withLearningRate(Double.NaN));
    }

    /** Guice wires applications, not tensors: only this package may import it. */
    @Test
    void onlyThisPackageImportsGuice() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.fovea.core.inject..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google.inject..", "jakarta.inject..",
                        "javax.inject..")
                .because("tensor, layer and training code never needs an injector");
        rule.check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.fovea.core"));
    }
}

package dev.fovea.core.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.fovea.api.Device;
import dev.fovea.core.device.BackendRegistry;
import dev.fovea.core.device.Devices;
import dev.fovea.core.train.Trainer;
import dev.fovea.core.train.TrainingListener;
import java.util.Objects;
import java.util.Set;

/**
 * Fovea's Guice module: binds the selected {@link Device}, the {@link TrainingSettings}, a set of
 * {@link TrainingListener}s (a {@link Multibinder} any module can add to) and a ready {@link Trainer}.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *         FoveaModule.builder().device("cpu").settings(TrainingSettings.defaults().withEpochs(3)).build(),
 *         binder -> FoveaModule.listeners(binder).addBinding().toInstance(ConsoleProgress.plain(System.out)));
 * Device device = injector.getInstance(Device.class);
 * Trainer trainer = injector.getInstance(Trainer.class);   // 3 epochs, console progress attached
 * }</pre>
 *
 * <p><b>Bindings.</b>
 * <ul>
 *   <li>{@link BackendRegistry} (singleton): the one given to the builder, else {@link Devices#registry()}.</li>
 *   <li>{@link Device} (singleton): the device named by {@link Builder#device(String)} if one was given,
 *       else the registry's {@link BackendRegistry#defaultDevice() default} - the system property
 *       {@value BackendRegistry#PROPERTY}, the environment variable {@value BackendRegistry#ENVIRONMENT},
 *       else the best-ranked available backend. An unknown or unavailable name fails when the device is
 *       first injected, with the registry's message (it lists the backends found), wrapped in Guice's
 *       {@code ProvisionException}. Opening the device does not change the registry's default.</li>
 *   <li>{@link TrainingSettings}: the builder's, else {@link TrainingSettings#defaults()}.</li>
 *   <li>{@code Set<TrainingListener>}: whatever any module adds with {@link #listeners(Binder)}; empty
 *       if none does. Listeners run in the order they were bound.</li>
 *   <li>{@link Trainer} (unscoped; trainers are immutable): {@link TrainingSettings#trainer()} with every
 *       bound listener attached.</li>
 * </ul>
 *
 * Install it once per injector. Tensor code never sees the injector: the module only hands out the
 * same objects a program without Guice builds by hand.
 */
public final class FoveaModule extends AbstractModule {
    private final String deviceName;
    private final BackendRegistry registry;
    private final TrainingSettings settings;

    private FoveaModule(Builder b) {
        this.deviceName = b.deviceName;
        this.registry = b.registry;
        this.settings = b.settings;
    }

    /** A module with the configured default device, the global registry and default settings. */
    public static FoveaModule fromConfiguration() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The listener set's binder, to add listeners from any module:
     * {@code FoveaModule.listeners(binder()).addBinding().to(CsvLogger.class)}.
     */
    public static Multibinder<TrainingListener> listeners(Binder binder) {
        return Multibinder.newSetBinder(binder, TrainingListener.class);
    }

    @Override
    protected void configure() {
        bind(TrainingSettings.class).toInstance(settings);
        listeners(binder()); // declares the set, so that it exists (empty) when no module adds to it
    }

    @Provides
    @Singleton
    BackendRegistry provideRegistry() {
        return registry != null ? registry : Devices.registry();
    }

    @Provides
    @Singleton
    Device provideDevice(BackendRegistry backends) {
        return deviceName != null ? backends.get(deviceName) : backends.defaultDevice();
    }

    @Provides
    Trainer provideTrainer(TrainingSettings trainingSettings, Set<TrainingListener> trainingListeners) {
        return trainingSettings.trainer().listeners(trainingListeners);
    }

    @Override
    public String toString() {
        return "FoveaModule[device " + (deviceName != null ? deviceName : "from configuration") + ", " + settings
                + "]";
    }

    /** What the module binds; every setting is optional. */
    public static final class Builder {
        private String deviceName;
        private BackendRegistry registry;
        private TrainingSettings settings = TrainingSettings.defaults();

        private Builder() {}

        /**
         * The device to bind, e.g. {@code "cpu"}, {@code "opencl:1"}; {@code null} or blank (the default)
         * defers to {@code -Dfovea.backend}, {@code FOVEA_BACKEND}, then the best-ranked backend.
         */
        public Builder device(String name) {
            this.deviceName = name == null || name.isBlank() ? null : name.trim();
            return this;
        }

        /** The registry to open devices from (default {@link Devices#registry()}). */
        public Builder registry(BackendRegistry backends) {
            this.registry = Objects.requireNonNull(backends, "registry");
            return this;
        }

        public Builder settings(TrainingSettings trainingSettings) {
            this.settings = Objects.requireNonNull(trainingSettings, "settings");
            return this;
        }

        public FoveaModule build() {
            return new FoveaModule(this);
        }
    }
}

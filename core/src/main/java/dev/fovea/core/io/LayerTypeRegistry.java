package dev.fovea.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSortedSet;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.nn.LayerTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The layer types a model file can name: the built-in ones plus those of every
 * {@link LayerTypeProvider} on the class path. Immutable.
 */
public final class LayerTypeRegistry {
    private final ImmutableMap<String, Class<? extends LayerConfig<?>>> types;
    private final ImmutableMap<String, String> origins;

    private LayerTypeRegistry(Map<String, Class<? extends LayerConfig<?>>> types, Map<String, String> origins) {
        this.types = ImmutableMap.copyOf(types);
        this.origins = ImmutableMap.copyOf(origins);
    }

    /** Only Fovea's own layers. */
    public static LayerTypeRegistry builtIn() {
        return builder().build();
    }

    /**
     * The built-in layers and those of the {@link LayerTypeProvider}s that {@link ServiceLoader} finds
     * with the current thread's context class loader.
     *
     * @throws IllegalStateException if a provider cannot be loaded or two types share a name
     */
    public static LayerTypeRegistry discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /** As {@link #discover()}, with the providers found by {@code loader}. */
    public static LayerTypeRegistry discover(ClassLoader loader) {
        Builder b = builder();
        try {
            for (LayerTypeProvider provider : ServiceLoader.load(LayerTypeProvider.class, loader)) {
                b.addAll(provider.getClass().getName(), provider.layerTypes());
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a LayerTypeProvider could not be loaded: " + e.getMessage(), e);
        }
        return b.build();
    }

    /** A registry starting from the built-in layers, to add types to by hand. */
    public static Builder builder() {
        Builder b = new Builder();
        b.addAll("built-in", LayerTypes.builtIn());
        return b;
    }

    /** The config class registered as {@code type}, or {@code null}. */
    public Class<? extends LayerConfig<?>> configClass(String type) {
        return types.get(type);
    }

    /** Every registered type name to its config class. */
    public ImmutableMap<String, Class<? extends LayerConfig<?>>> types() {
        return types;
    }

    /** The registered names, sorted, for error messages. */
    public ImmutableSortedSet<String> names() {
        return ImmutableSortedSet.copyOf(types.keySet());
    }

    /** Who registered {@code type} ("built-in" or the provider's class name), or {@code null}. */
    public String origin(String type) {
        return origins.get(type);
    }

    @Override
    public String toString() {
        return "LayerTypeRegistry" + names();
    }

    /** Collects types; a name registered twice is an error that names both origins. */
    public static final class Builder {
        private final Map<String, Class<? extends LayerConfig<?>>> types = new LinkedHashMap<>();
        private final Map<String, String> origins = new LinkedHashMap<>();

        private Builder() {}

        /** Registers {@code configClass} as {@code type}, on behalf of {@code origin}. */
        public Builder add(String origin, String type, Class<? extends LayerConfig<?>> configClass) {
            Objects.requireNonNull(origin, "origin");
            checkArgument(type != null && !type.isBlank(), "%s: a layer type name must not be blank", origin);
            Objects.requireNonNull(configClass, origin + ": config class of " + type);
            checkArgument(configClass.isRecord(), "%s: the config class of layer type '%s', %s, must be a record",
                    origin, type, configClass.getName());
            String before = origins.get(type);
            if (before != null) {
                throw new IllegalStateException("layer type '" + type + "' is registered twice: by " + before + " ("
                        + types.get(type).getName() + ") and by " + origin + " (" + configClass.getName() + ")");
            }
            types.put(type, configClass);
            origins.put(type, origin);
            return this;
        }

        /** Registers every entry of {@code more} on behalf of {@code origin}. */
        public Builder addAll(String origin, Map<String, Class<? extends LayerConfig<?>>> more) {
            Objects.requireNonNull(more, origin + ": layer types");
            more.forEach((type, c) -> add(origin, type, c));
            return this;
        }

        public LayerTypeRegistry build() {
            return new LayerTypeRegistry(types, origins);
        }
    }
}

package dev.fovea.core.io;

import dev.fovea.core.nn.LayerConfig;
import java.util.Map;

/**
 * Contributes custom layer types to checkpoint loading, found with {@link java.util.ServiceLoader}: a
 * model saved with a custom layer loads again in any program that has the provider on its class path.
 *
 * <pre>{@code
 * public final class MyLayers implements LayerTypeProvider {
 *     public Map<String, Class<? extends LayerConfig<?>>> layerTypes() {
 *         return Map.of("Scale", Scale.Config.class);      // "Scale" equals Scale.Config#type()
 *     }
 * }
 * // and a file META-INF/services/dev.fovea.core.io.LayerTypeProvider containing: com.example.MyLayers
 * }</pre>
 *
 * <p>Each config class must be a record of plain data (primitives, strings, enums, {@code Init}
 * records, nested records, lists of these and nested {@link LayerConfig}s) whose {@code type()} returns
 * the name it is registered under; the layer's parameters and buffers are created by
 * {@code config.init(device, rng)} and then overwritten with the saved values. Names must not clash
 * with the built-in types ({@link dev.fovea.core.nn.LayerTypes#builtIn()}) or another provider's.
 */
public interface LayerTypeProvider {

    /** Type name ({@link LayerConfig#type()}) to config record class, for each layer type provided. */
    Map<String, Class<? extends LayerConfig<?>>> layerTypes();
}

package dev.fovea.examples.extend;

import dev.fovea.core.io.LayerTypeProvider;
import dev.fovea.core.nn.LayerConfig;
import java.util.Map;

/**
 * Registers this package's custom layers for checkpoints. Listed in
 * {@code META-INF/services/dev.fovea.core.io.LayerTypeProvider}, so {@code ModelIo.load} finds it with
 * ServiceLoader in any program that has the examples on its class path.
 */
public final class ExampleLayerTypes implements LayerTypeProvider {
    @Override
    public Map<String, Class<? extends LayerConfig<?>>> layerTypes() {
        return Map.of(Residual.TYPE, Residual.Config.class);
    }
}

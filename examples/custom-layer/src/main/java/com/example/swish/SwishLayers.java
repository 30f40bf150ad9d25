package com.example.swish;

import dev.fovea.core.io.LayerTypeProvider;
import dev.fovea.core.nn.LayerConfig;
import java.util.Map;

/**
 * Tells Fovea's checkpoint loader about {@link Swish}. Listed in
 * {@code src/main/resources/META-INF/services/dev.fovea.core.io.LayerTypeProvider}.
 */
public final class SwishLayers implements LayerTypeProvider {
    @Override
    public Map<String, Class<? extends LayerConfig<?>>> layerTypes() {
        return Map.of(Swish.TYPE, Swish.Config.class);
    }
}

package dev.fovea.core.io;

import dev.fovea.core.nn.LayerConfig;
import java.util.Map;

/** The test class path's LayerTypeProvider (see META-INF/services/dev.fovea.core.io.LayerTypeProvider). */
public final class TestLayerTypes implements LayerTypeProvider {
    @Override
    public Map<String, Class<? extends LayerConfig<?>>> layerTypes() {
        return Map.of("TestScale", Scale.Config.class);
    }
}

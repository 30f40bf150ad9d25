package dev.fovea.core.nn;

import com.google.common.collect.ImmutableMap;

/**
 * The built-in layer config records by their stable {@link LayerConfig#type()} name - what a
 * checkpoint reader needs to turn {@code {"type": "Conv2d", ...}} back into a {@link Conv2d.Config}.
 */
public final class LayerTypes {
    private LayerTypes() {}

    private static final ImmutableMap<String, Class<? extends LayerConfig<?>>> BUILT_IN =
            ImmutableMap.<String, Class<? extends LayerConfig<?>>>builder()
                    .put("Linear", Linear.Config.class)
                    .put("Conv1d", Conv1d.Config.class)
                    .put("Conv2d", Conv2d.Config.class)
                    .put("MaxPool1d", MaxPool1d.Config.class)
                    .put("MaxPool2d", MaxPool2d.Config.class)
                    .put("AvgPool2d", AvgPool2d.Config.class)
                    .put("GlobalAvgPool2d", GlobalAvgPool2d.Config.class)
                    .put("GlobalMaxPool2d", GlobalMaxPool2d.Config.class)
                    .put("ReLU", ReLU.Config.class)
                    .put("LeakyReLU", LeakyReLU.Config.class)
                    .put("Sigmoid", Sigmoid.Config.class)
                    .put("Tanh", Tanh.Config.class)
                    .put("GELU", GELU.Config.class)
                    .put("Softmax", Softmax.Config.class)
                    .put("Flatten", Flatten.Config.class)
                    .put("Dropout", Dropout.Config.class)
                    .put("BatchNorm1d", BatchNorm1d.Config.class)
                    .put("BatchNorm2d", BatchNorm2d.Config.class)
                    .put("Sequential", Sequential.Config.class)
                    .build();

    /** Type name to config record class, for every layer in this package. */
    public static ImmutableMap<String, Class<? extends LayerConfig<?>>> builtIn() {
        return BUILT_IN;
    }
}

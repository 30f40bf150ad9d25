package dev.fovea.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.core.nn.init.Init;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every built-in config is a record of plain data a checkpoint can write as JSON: primitives,
 * strings, enums, Init records and (lists of) nested configs - no tensors, lambdas or devices.
 */
class ConfigsArePlainDataTest {

    private static boolean plain(Type type) {
        if (type instanceof Class<?> c) {
            return c.isPrimitive() || c == String.class || c.isEnum() || c == Init.class || c == LayerConfig.class;
        }
        if (type instanceof ParameterizedType p) {
            if (p.getRawType() == LayerConfig.class) {
                return true;
            }
            return p.getRawType() == List.class && plain(p.getActualTypeArguments()[0]);
        }
        return false;
    }

    @Test
    void builtInConfigsAreRecordsOfPlainDataWithTheirTypeName() throws Exception {
        assertEquals(19, LayerTypes.builtIn().size());
        for (Map.Entry<String, Class<? extends LayerConfig<?>>> e : LayerTypes.builtIn().entrySet()) {
            Class<? extends LayerConfig<?>> c = e.getValue();
            assertTrue(c.isRecord(), c + " is a record");
            for (RecordComponent rc : c.getRecordComponents()) {
                assertTrue(plain(rc.getGenericType()), c.getName() + "." + rc.getName() + " of type "
                        + rc.getGenericType() + " is plain data");
            }
            String outer = c.getEnclosingClass().getSimpleName();
            assertEquals(e.getKey(), outer);
        }
        for (Class<?> c : Init.class.getPermittedSubclasses()) {
            assertTrue(c.isRecord());
            for (RecordComponent rc : c.getRecordComponents()) {
                assertTrue(plain(rc.getGenericType()), c.getName() + "." + rc.getName());
            }
        }
    }

    @Test
    void typeNamesMatchTheRegistry() {
        List<LayerConfig<?>> samples = List.of(Linear.of(1, 1), Conv1d.of(1, 1, 1), Conv2d.of(1, 1, 1), MaxPool1d.of(2),
                MaxPool2d.of(2), AvgPool2d.of(2), GlobalAvgPool2d.of(), GlobalMaxPool2d.of(), ReLU.of(),
                LeakyReLU.of(), Sigmoid.of(), Tanh.of(), GELU.of(), Softmax.of(), Flatten.of(), Dropout.of(),
                BatchNorm1d.of(1), BatchNorm2d.of(1), Sequential.of());
        assertEquals(LayerTypes.builtIn().size(), samples.size());
        for (LayerConfig<?> c : samples) {
            assertEquals(LayerTypes.builtIn().get(c.type()), c.getClass(), c.type());
        }
    }

    @Test
    void gsonWritesAConfigAsPlainJson() {
        String json = new com.google.gson.Gson().toJson(Conv2d.of(1, 32, 5).padding(2).bias(false));
        assertTrue(json.contains("\"inChannels\":1") && json.contains("\"padTop\":2") && json.contains("\"bias\":false")
                && json.contains("\"paddingMode\":\"EXPLICIT\"") && json.contains("\"dtype\":\"FLOAT32\""), json);
        assertTrue(json.contains("\"weightInit\":{\"a\":2.23606797749979,\"mode\":\"FAN_IN\""), json);
    }
}

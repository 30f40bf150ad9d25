package dev.fovea.core.io;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.fovea.core.nn.LayerConfig;
import dev.fovea.core.nn.init.Init;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Layer configs as JSON, and back: the {@code "model"} tree of a {@code model.json}.
 *
 * <p>A config record becomes an object with a {@code "type"} member - its {@link LayerConfig#type()},
 * looked up in a {@link LayerTypeRegistry} when reading - followed by one member per record component,
 * in declaration order. An {@link Init} record becomes {@code {"type": "KaimingUniform", "a": ...}} with
 * its record's simple name as the type. Numbers are JSON numbers written so that they read back to the
 * same bits (non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}),
 * enums their constant names, lists arrays, other records plain objects, {@code null} JSON null.
 *
 * <pre>{@code
 * {"type": "Sequential", "layers": [
 *   {"type": "Conv2d", "inChannels": 1, "outChannels": 8, "kernelH": 3, ..., "biasInit": null, "dtype": "FLOAT32"},
 *   {"type": "ReLU"}]}
 * }</pre>
 *
 * <p>Reading is strict: every component must be present, no unknown member is accepted, integers must be
 * whole and in range, enum names must match exactly; the record's own constructor then validates the
 * values. Errors say where, e.g. {@code model.layers[0].kernelH: expected an int, got 2.5}.
 */
public final class LayerConfigJson {
    private final LayerTypeRegistry types;

    private LayerConfigJson(LayerTypeRegistry types) {
        this.types = Objects.requireNonNull(types, "types");
    }

    /** A converter that knows the layer types of {@code types}. */
    public static LayerConfigJson using(LayerTypeRegistry types) {
        return new LayerConfigJson(types);
    }

    /**
     * {@code config} as a JSON object.
     *
     * @throws IllegalArgumentException if a config's type is not registered (to its class) - a model
     *     that could not be loaded again - or a component is not plain data
     */
    public JsonObject toJson(LayerConfig<?> config) {
        return writeConfig(Objects.requireNonNull(config, "config"), "model");
    }

    /**
     * The config that {@code json} describes.
     *
     * @param path where {@code json} sits, for messages (e.g. {@code "model"})
     * @throws IllegalArgumentException naming the path and the problem: an unknown type (listing the known
     *     ones and how to register one), a missing or unknown member, a value of the wrong kind, or one the
     *     config's constructor rejects
     */
    public LayerConfig<?> fromJson(JsonElement json, String path) {
        return readConfig(json, path, LayerConfig.class);
    }

    /**
     * A Gson factory that reads and writes {@link LayerConfig}s (and {@link Init}s) in this format, for
     * applications that embed configs in their own Gson documents.
     */
    public TypeAdapterFactory typeAdapterFactory() {
        return new TypeAdapterFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> token) {
                Class<? super T> raw = token.getRawType();
                if (!LayerConfig.class.isAssignableFrom(raw) && !Init.class.isAssignableFrom(raw)) {
                    return null;
                }
                Type type = token.getType();
                return (TypeAdapter<T>) new TypeAdapter<Object>() {
                    @Override
                    public void write(JsonWriter out, Object value) throws IOException {
                        gson.toJson(value == null ? JsonNull.INSTANCE : writeValue(value, type, "$"), out);
                    }

                    @Override
                    public Object read(JsonReader in) throws IOException {
                        try {
                            return readValue(JsonParser.parseReader(in), type, "$");
                        } catch (IllegalArgumentException e) {
                            throw new JsonParseException(e.getMessage(), e);
                        }
                    }
                }.nullSafe();
            }
        };
    }

    // ---- Writing -----------------------------------------------------------------------------------

    private JsonObject writeConfig(LayerConfig<?> config, String path) {
        Class<?> c = config.getClass();
        String type = config.type();
        Class<?> registered = types.configClass(type);
        if (registered == null) {
            throw new IllegalArgumentException(path + ": layer type '" + type + "' (" + c.getName() + ") is not "
                    + "registered, so a saved model could not be loaded again; register it with a LayerTypeProvider "
                    + "(ServiceLoader) - known types: " + types.names());
        }
        if (registered != c) {
            throw new IllegalArgumentException(path + ": layer type '" + type + "' is registered to "
                    + registered.getName() + ", but this config is a " + c.getName());
        }
        JsonObject o = new JsonObject();
        o.addProperty("type", type);
        writeComponents(config, o, path);
        return o;
    }

    private void writeComponents(Object record, JsonObject o, String path) {
        Class<?> c = record.getClass();
        if (!c.isRecord()) {
            throw new IllegalArgumentException(path + ": " + c.getName() + " is not a record; configs must be "
                    + "records of plain data");
        }
        for (RecordComponent rc : c.getRecordComponents()) {
            if (rc.getName().equals("type")) {
                throw new IllegalArgumentException(path + ": " + c.getName() + " has a component named 'type', which "
                        + "the format reserves for the type name");
            }
            Object value;
            try {
                var accessor = rc.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                throw new IllegalArgumentException(path + "." + rc.getName() + ": cannot read the component: " + e, e);
            }
            o.add(rc.getName(), writeValue(value, rc.getGenericType(), path + "." + rc.getName()));
        }
    }

    private JsonElement writeValue(Object value, Type declared, String path) {
        if (value == null) {
            if (raw(declared).isPrimitive()) {
                throw new IllegalArgumentException(path + ": null for a primitive");
            }
            return JsonNull.INSTANCE;
        }
        Class<?> raw = raw(declared);
        if (value instanceof LayerConfig<?> config && LayerConfig.class.isAssignableFrom(raw)) {
            return writeConfig(config, path);
        }
        if (value instanceof Init init && Init.class.isAssignableFrom(raw)) {
            JsonObject o = new JsonObject();
            o.addProperty("type", init.getClass().getSimpleName());
            writeComponents(init, o, path);
            return o;
        }
        if (value instanceof Double d && (raw == double.class || raw == Double.class)) {
            return number(d);
        }
        if (value instanceof Float f && (raw == float.class || raw == Float.class)) {
            return Float.isFinite(f) ? new JsonPrimitive(f) : number(f.doubleValue());
        }
        if ((value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)
                && (raw.isPrimitive() || Number.class.isAssignableFrom(raw))) {
            return new JsonPrimitive((Number) value);
        }
        if (value instanceof Boolean b && (raw == boolean.class || raw == Boolean.class)) {
            return new JsonPrimitive(b);
        }
        if (value instanceof String s && raw == String.class) {
            return new JsonPrimitive(s);
        }
        if (value instanceof Enum<?> e && raw.isEnum()) {
            return new JsonPrimitive(e.name());
        }
        if (value instanceof List<?> list && raw == List.class) {
            Type element = elementType(declared, path);
            JsonArray a = new JsonArray();
            for (int i = 0; i < list.size(); i++) {
                a.add(writeValue(list.get(i), element, path + "[" + i + "]"));
            }
            return a;
        }
        if (value.getClass().isRecord() && raw == value.getClass()) {
            JsonObject o = new JsonObject();
            writeComponents(value, o, path);
            return o;
        }
        throw new IllegalArgumentException(path + ": " + declared.getTypeName() + " (" + value.getClass().getName()
                + ") is not plain data a checkpoint can write: use primitives, strings, enums, lists, records, Init "
                + "and LayerConfig");
    }

    private static JsonPrimitive number(double d) {
        if (Double.isNaN(d)) {
            return new JsonPrimitive("NaN");
        }
        if (Double.isInfinite(d)) {
            return new JsonPrimitive(d > 0 ? "Infinity" : "-Infinity");
        }
        return new JsonPrimitive(d);
    }

    // ---- Reading -----------------------------------------------------------------------------------

    private LayerConfig<?> readConfig(JsonElement json, String path, Class<?> expected) {
        JsonObject o = object(json, path, "a layer config object with a \"type\"");
        String type = typeName(o, path);
        Class<? extends LayerConfig<?>> c = types.configClass(type);
        if (c == null) {
            throw new IllegalArgumentException(path + ": unknown layer type '" + type + "'; known types: "
                    + types.names() + ". A custom layer loads when its LayerTypeProvider is on the class path "
                    + "(META-INF/services/" + LayerTypeProvider.class.getName() + ")");
        }
        if (!expected.isAssignableFrom(c)) {
            throw new IllegalArgumentException(path + ": layer type '" + type + "' (" + c.getName() + ") does not fit "
                    + "here, which needs a " + expected.getName());
        }
        return (LayerConfig<?>) readRecord(c, o, path, true);
    }

    private Init readInit(JsonElement json, String path, Class<?> expected) {
        JsonObject o = object(json, path, "an initializer object with a \"type\"");
        String type = typeName(o, path);
        List<String> known = new ArrayList<>();
        for (Class<?> c : Init.class.getPermittedSubclasses()) {
            known.add(c.getSimpleName());
            if (c.getSimpleName().equals(type)) {
                if (!expected.isAssignableFrom(c)) {
                    throw new IllegalArgumentException(path + ": initializer '" + type + "' does not fit here, which "
                            + "needs a " + expected.getSimpleName());
                }
                return (Init) readRecord(c, o, path, true);
            }
        }
        throw new IllegalArgumentException(path + ": unknown initializer type '" + type + "'; known: " + known);
    }

    private static String typeName(JsonObject o, String path) {
        JsonElement t = o.get("type");
        if (t == null || !t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(path + ": expected a string member \"type\"");
        }
        return t.getAsString();
    }

    private Object readRecord(Class<?> c, JsonObject o, String path, boolean typed) {
        RecordComponent[] components = c.getRecordComponents();
        Set<String> expected = new LinkedHashSet<>();
        for (RecordComponent rc : components) {
            expected.add(rc.getName());
        }
        for (String key : o.keySet()) {
            if (!(typed && key.equals("type")) && !expected.contains(key)) {
                throw new IllegalArgumentException(path + ": unknown member '" + key + "' for " + c.getSimpleName()
                        + " (its members: " + expected + ")");
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] argTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            argTypes[i] = rc.getType();
            if (!o.has(rc.getName())) {
                throw new IllegalArgumentException(path + ": missing member '" + rc.getName() + "' of "
                        + c.getSimpleName());
            }
            args[i] = readValue(o.get(rc.getName()), rc.getGenericType(), path + "." + rc.getName());
        }
        try {
            Constructor<?> ctor = c.getDeclaredConstructor(argTypes);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalArgumentException(path + ": " + c.getSimpleName() + " rejects these values: "
                    + cause.getMessage(), cause);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(path + ": cannot construct " + c.getName() + ": " + e, e);
        }
    }

    private Object readValue(JsonElement json, Type declared, String path) {
        Class<?> raw = raw(declared);
        if (json == null || json.isJsonNull()) {
            if (raw.isPrimitive()) {
                throw new IllegalArgumentException(path + ": expected a " + raw.getName() + ", got null");
            }
            return null;
        }
        if (LayerConfig.class.isAssignableFrom(raw)) {
            return readConfig(json, path, raw);
        }
        if (Init.class.isAssignableFrom(raw)) {
            return readInit(json, path, raw);
        }
        if (raw == int.class || raw == Integer.class) {
            return integer(json, path, "an int").intValueExactOr(path, "an int");
        }
        if (raw == long.class || raw == Long.class) {
            return integer(json, path, "a long").longValueExactOr(path, "a long");
        }
        if (raw == short.class || raw == Short.class) {
            return integer(json, path, "a short").shortValueExactOr(path, "a short");
        }
        if (raw == byte.class || raw == Byte.class) {
            return integer(json, path, "a byte").byteValueExactOr(path, "a byte");
        }
        if (raw == double.class || raw == Double.class) {
            return real(json, path);
        }
        if (raw == float.class || raw == Float.class) {
            double d = real(json, path); // validates; a finite literal is then parsed as the float it names
            return Double.isFinite(d) ? Float.parseFloat(json.getAsString()) : (float) d;
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isBoolean()) {
                throw new IllegalArgumentException(path + ": expected true or false, got " + json);
            }
            return json.getAsBoolean();
        }
        if (raw == String.class) {
            return string(json, path);
        }
        if (raw.isEnum()) {
            String name = string(json, path);
            for (Object constant : raw.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(name)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException(path + ": '" + name + "' is not one of " + raw.getSimpleName() + " "
                    + Arrays.toString(raw.getEnumConstants()));
        }
        if (raw == List.class) {
            if (!json.isJsonArray()) {
                throw new IllegalArgumentException(path + ": expected a list, got " + kind(json));
            }
            Type element = elementType(declared, path);
            JsonArray a = json.getAsJsonArray();
            List<Object> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                out.add(readValue(a.get(i), element, path + "[" + i + "]"));
            }
            return out;
        }
        if (raw.isRecord()) {
            return readRecord(raw, object(json, path, "an object"), path, false);
        }
        throw new IllegalArgumentException(path + ": cannot read a " + declared.getTypeName());
    }

    /** An exact integer read from a JSON number. */
    private record Integral(BigDecimal value) {
        Object intValueExactOr(String path, String what) {
            try {
                return value.intValueExact();
            } catch (ArithmeticException e) {
                throw outOfRange(path, what);
            }
        }

        Object longValueExactOr(String path, String what) {
            try {
                return value.longValueExact();
            } catch (ArithmeticException e) {
                throw outOfRange(path, what);
            }
        }

        Object shortValueExactOr(String path, String what) {
            try {
                return value.shortValueExact();
            } catch (ArithmeticException e) {
                throw outOfRange(path, what);
            }
        }

        Object byteValueExactOr(String path, String what) {
            try {
                return value.byteValueExact();
            } catch (ArithmeticException e) {
                throw outOfRange(path, what);
            }
        }

        private IllegalArgumentException outOfRange(String path, String what) {
            return new IllegalArgumentException(path + ": expected " + what + ", got " + value);
        }
    }

    private static Integral integer(JsonElement json, String path, String what) {
        if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(path + ": expected " + what + ", got " + kind(json));
        }
        try {
            return new Integral(json.getAsBigDecimal());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + ": expected " + what + ", got " + json);
        }
    }

    private static double real(JsonElement json, String path) {
        if (json.isJsonPrimitive() && json.getAsJsonPrimitive().isString()) {
            return switch (json.getAsString()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException(path + ": expected a number, got " + json);
            };
        }
        if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(path + ": expected a number, got " + kind(json));
        }
        double d = json.getAsDouble();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(path + ": " + json + " is out of the double range");
        }
        return d;
    }

    private static String string(JsonElement json, String path) {
        if (!json.isJsonPrimitive() || !json.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(path + ": expected a string, got " + kind(json));
        }
        return json.getAsString();
    }

    private static JsonObject object(JsonElement json, String path, String what) {
        if (json == null || !json.isJsonObject()) {
            throw new IllegalArgumentException(path + ": expected " + what + ", got " + kind(json));
        }
        return json.getAsJsonObject();
    }

    private static String kind(JsonElement json) {
        if (json == null || json.isJsonNull()) {
            return "null";
        }
        if (json.isJsonObject()) {
            return "an object";
        }
        if (json.isJsonArray()) {
            return "a list";
        }
        String text = json.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type elementType(Type listType, String path) {
        if (listType instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[0];
            return arg instanceof WildcardType w ? w.getUpperBounds()[0] : arg;
        }
        throw new IllegalArgumentException(path + ": a raw List has no element type; declare List<...>");
    }
}

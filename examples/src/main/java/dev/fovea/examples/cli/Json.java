package dev.fovea.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.PrintWriter;

/**
 * JSON output shared by all commands: one compact object on one line, nulls written out, so that
 * scripts can read the last line of standard output.
 */
public final class Json {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {}

    /** Writes {@code object} as a single line and flushes. */
    public static void print(PrintWriter out, JsonElement object) {
        out.println(GSON.toJson(object));
        out.flush();
    }

    /** The compact one-line text of {@code element}. */
    public static String toString(JsonElement element) {
        return GSON.toJson(element);
    }

    /** A JSON array of the given numbers. */
    public static JsonArray array(double[] values) {
        JsonArray array = new JsonArray(values.length);
        for (double v : values) {
            array.add(v);
        }
        return array;
    }

    /** A JSON array of the given integers. */
    public static JsonArray array(int[] values) {
        JsonArray array = new JsonArray(values.length);
        for (int v : values) {
            array.add(v);
        }
        return array;
    }

    /** An object with a {@code "command"} member, the start of every command's output. */
    public static JsonObject forCommand(String command) {
        JsonObject object = new JsonObject();
        object.addProperty("command", command);
        return object;
    }
}

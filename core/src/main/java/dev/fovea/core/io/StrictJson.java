package dev.fovea.core.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the JSON files of a checkpoint strictly: RFC 8259 syntax only, UTF-8 only, no duplicate keys
 * (Gson's own tree parser keeps the last of two equal keys silently), nothing after the value, and a
 * size limit checked before the file is read.
 */
final class StrictJson {
    private StrictJson() {}

    /** The largest JSON file read (64 MiB); model structures and training state are far smaller. */
    static final long MAX_BYTES = 64L << 20;

    /** Reads and parses {@code file}, which must hold one JSON object. */
    static JsonObject readFile(Path file) throws IOException {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new CheckpointFormatException(file, "the file is " + size + " bytes, more than the limit of "
                        + MAX_BYTES + " bytes for a checkpoint's JSON file");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new CheckpointFormatException(file, "the file shrank while it was read");
                }
            }
            bytes = buffer.array();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file, "the file is not valid UTF-8");
        }
        JsonElement root;
        try {
            root = parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointFormatException(file, "the file does not hold a JSON object");
        }
        return root.getAsJsonObject();
    }

    /**
     * Parses one JSON value.
     *
     * @throws IllegalArgumentException saying where the text is invalid or which key is duplicated
     */
    static JsonElement parse(String text) {
        JsonReader r = new JsonReader(new StringReader(text));
        r.setStrictness(Strictness.STRICT);
        try {
            JsonElement value = read(r);
            boolean end;
            try {
                end = r.peek() == JsonToken.END_DOCUMENT;
            } catch (IOException e) {
                end = false;
            }
            if (!end) {
                throw new IllegalArgumentException("invalid JSON: content after the value at " + r.getPath());
            }
            return value;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private static JsonElement read(JsonReader r) throws IOException {
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                r.beginObject();
                while (r.hasNext()) {
                    String name = r.nextName();
                    if (o.has(name)) {
                        throw new IllegalArgumentException("invalid JSON: the key '" + name + "' appears twice in the "
                                + "object at " + r.getPath().replaceAll("\\.[^.]*$", ""));
                    }
                    o.add(name, read(r));
                }
                r.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                r.beginArray();
                while (r.hasNext()) {
                    a.add(read(r));
                }
                r.endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(r.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(r.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(r.nextBoolean());
            }
            case NULL -> {
                r.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IllegalArgumentException("invalid JSON: unexpected " + r.peek() + " at " + r.getPath());
        }
    }
}

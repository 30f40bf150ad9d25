package dev.fovea.core.io;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import com.google.gson.stream.JsonWriter;
import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reading and writing the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * what Fovea stores weights and optimizer state in, and what PyTorch and Hugging Face tools read.
 *
 * <pre>{@code
 * Safetensors.write(Path.of("w.safetensors"), Map.of("w", TensorData.copyOf(w)), Map.of("note", "hi"));
 * Map<String, TensorData> back = Safetensors.read(Path.of("w.safetensors"));
 * }</pre>
 *
 * <p><b>What the writer produces</b>, byte for byte what the reference implementation writes for the
 * same tensors: the compact JSON header {@code {"__metadata__":{...},"name":{"dtype":"F32","shape":[..],
 * "data_offsets":[b,e]},...}} padded with spaces to a multiple of 8 bytes; tensors ordered by dtype,
 * widest first (F64, then F32, then I32 - the reference's order, which keeps every tensor aligned to its
 * element size), then by name; their data contiguous from offset 0, no holes, little-endian. The
 * metadata object is written only when there is metadata. Reading is {@link SafetensorsFile}, which
 * validates everything before it allocates.
 *
 * <p>These writers write where they are told, in place. For a save that never leaves a half-written
 * file behind use {@link ModelIo#save} or {@link Checkpoint#save}, which write a whole directory
 * atomically ({@link AtomicDirectory}).
 */
public final class Safetensors {
    private Safetensors() {}

    /** A tensor to write: its header fields, and its data fetched only when its turn comes. */
    record Item(String name, DType dtype, Shape shape, DataSource data) {
        Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(data, "data");
        }

        static Item of(String name, TensorData data) {
            return new Item(name, data.dtype(), data.shape(), () -> data);
        }

        /** Downloads the tensor only when it is written, so a large model is never all on the host at once. */
        static Item of(String name, Tensor tensor) {
            return new Item(name, tensor.dtype(), tensor.shape(), () -> TensorData.copyOf(tensor));
        }

        SafetensorsFile.Dtype fileDtype() {
            return SafetensorsFile.Dtype.valueOf(dtype.safetensorsName());
        }
    }

    /** Supplies an item's values when it is written. */
    @FunctionalInterface
    interface DataSource {
        TensorData get() throws IOException;
    }

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file}, replacing it. Not atomic: a failure
     * leaves a partial file (use {@link ModelIo#save} or {@link Checkpoint#save} for atomic saves).
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        List<Item> items = new ArrayList<>();
        tensors.forEach((name, data) -> items.add(Item.of(name, data)));
        try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            write(out, items, metadata);
        }
    }

    /** Writes device tensors to {@code file}, downloading them one at a time. Not atomic. */
    public static void writeTensors(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Item> items = new ArrayList<>();
        tensors.forEach((name, t) -> items.add(Item.of(name, t)));
        try (OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            write(out, items, metadata);
        }
    }

    /**
     * Opens, validates and reads every tensor of {@code file} (see {@link SafetensorsFile#read} for the
     * dtypes).
     *
     * @throws CheckpointFormatException naming the file and the problem when it is malformed
     */
    public static ImmutableMap<String, TensorData> read(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.readAll();
        }
    }

    /** The items in the order the reference implementation writes them: widest dtype first, then by name. */
    static List<Item> ordered(List<Item> items) {
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing((Item i) -> i.fileDtype().ordinal()).reversed()
                .thenComparing(Item::name));
        return sorted;
    }

    /** The header bytes (padded JSON, without the 8-byte length) for {@code items} in that order. */
    static byte[] header(List<Item> items, Map<String, String> metadata) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter w = new JsonWriter(text)) {
            w.setHtmlSafe(false);
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name(SafetensorsFile.METADATA_KEY).beginObject();
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    w.name(e.getKey()).value(e.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (Item item : items) {
                long bytes = Math.multiplyExact(item.shape().numel(), (long) item.dtype().byteSize());
                w.name(item.name()).beginObject();
                w.name("dtype").value(item.dtype().safetensorsName());
                w.name("shape").beginArray();
                for (int d : item.shape().dims()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
                w.endObject();
                offset += bytes;
            }
            w.endObject();
        }
        byte[] json = text.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    /**
     * Writes a whole safetensors file to {@code out} (not closed): header, then each item's data in the
     * order of {@link #ordered}.
     *
     * @throws IllegalArgumentException for a duplicate, empty or reserved name or null metadata
     */
    static void write(OutputStream out, List<Item> items, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(metadata, "metadata");
        Map<String, Item> seen = new LinkedHashMap<>();
        for (Item item : items) {
            checkArgument(!item.name().isEmpty(), "safetensors: a tensor name must not be empty");
            checkArgument(!item.name().equals(SafetensorsFile.METADATA_KEY), "safetensors: '%s' is reserved for the "
                    + "metadata and cannot name a tensor", SafetensorsFile.METADATA_KEY);
            checkArgument(seen.put(item.name(), item) == null, "safetensors: tensor name '%s' appears twice",
                    item.name());
        }
        metadata.forEach((k, v) -> checkArgument(k != null && v != null,
                "safetensors: metadata keys and values must not be null, got %s -> %s", k, v));
        List<Item> ordered = ordered(items);
        byte[] header = header(ordered, metadata);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        for (Item item : ordered) {
            TensorData data = item.data().get();
            if (data.dtype() != item.dtype() || !data.shape().equals(item.shape())) {
                throw new IllegalStateException("safetensors: tensor '" + item.name() + "' changed from "
                        + item.dtype() + " " + item.shape() + " to " + data.dtype() + " " + data.shape()
                        + " while it was being written");
            }
            writeData(out, data);
        }
    }

    /** The elements, little-endian, in chunks of at most 64 KiB. */
    static void writeData(OutputStream out, TensorData data) throws IOException {
        int size = data.dtype().byteSize();
        int n = (int) data.numel();
        int chunk = (1 << 16) / size;
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, Math.min(n, chunk)) * size).order(ByteOrder.LITTLE_ENDIAN);
        Object array = data.array();
        for (int done = 0; done < n; ) {
            int count = Math.min(chunk, n - done);
            buffer.clear();
            switch (data.dtype()) {
                case FLOAT32 -> buffer.asFloatBuffer().put((float[]) array, done, count);
                case FLOAT64 -> buffer.asDoubleBuffer().put((double[]) array, done, count);
                case INT32 -> buffer.asIntBuffer().put((int[]) array, done, count);
            }
            out.write(buffer.array(), 0, count * size);
            done += count;
        }
    }
}

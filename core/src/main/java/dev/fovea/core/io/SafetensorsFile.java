package dev.fovea.core.io;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A safetensors file opened for reading, its header fully validated.
 *
 * <p><b>Layout</b> (the Hugging Face format): an unsigned 64-bit little-endian header length
 * {@code N}; {@code N} bytes of UTF-8 JSON - an object mapping each tensor name to
 * {@code {"dtype": "F32", "shape": [8, 1, 3, 3], "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} object of string values, padded with spaces; then the data section, each
 * tensor's elements row-major and little-endian at {@code [begin, end)} relative to the section's start.
 *
 * <p><b>What {@link #open} checks</b> before it allocates anything sized by the file's say-so (the
 * header buffer is bounded by the real file size and {@link #MAX_HEADER_BYTES}): the file holds the
 * 8-byte length; the header length is at least 2, fits in the file and under the limit; the header is
 * valid UTF-8 and one strict JSON object with nothing after it but whitespace; no name appears twice
 * (in the top level or inside an entry); each entry has exactly the keys {@code dtype}, {@code shape}
 * and {@code data_offsets}; the dtype is a safetensors dtype; the shape is a list of non-negative integers
 * whose product (and byte size) does not overflow; the offsets are two non-negative integers, begin
 * &lt;= end, within the data section, and {@code end - begin == numel * dtype size}; sorted by offset the
 * tensors cover the whole data section, starting at 0, without overlaps, holes or trailing bytes;
 * {@code __metadata__} maps strings to strings. Any violation is a {@link CheckpointFormatException}
 * naming the file and the problem.
 *
 * <p>{@link #read} then reads one tensor's bytes with positioned reads into an array of exactly the
 * validated size (at most the file's size). Reading fails cleanly if the file shrank since it was opened.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    /** The key of the optional string-to-string metadata object in the header. */
    public static final String METADATA_KEY = "__metadata__";

    /** The dtypes of the safetensors format, with their element sizes. */
    public enum Dtype {
        BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4),
        F64(8), I64(8), U64(8);

        private final int byteSize;

        Dtype(int byteSize) {
            this.byteSize = byteSize;
        }

        /** Bytes per element. */
        public int byteSize() {
            return byteSize;
        }

        /**
         * The Fovea dtype tensors of this dtype load as: F32, F64, I32 as themselves, I64 as INT32 (each
         * value range-checked); {@code null} for the others, which Fovea cannot hold.
         */
        public DType foveaDType() {
            return switch (this) {
                case F32 -> DType.FLOAT32;
                case F64 -> DType.FLOAT64;
                case I32, I64 -> DType.INT32;
                default -> null;
            };
        }

        static Dtype named(String name) {
            for (Dtype d : values()) {
                if (d.name().equals(name)) {
                    return d;
                }
            }
            return null;
        }
    }

    /**
     * One tensor's header entry.
     *
     * @param name  the tensor's name
     * @param dtype its safetensors dtype
     * @param shape its dimensions, outermost first
     * @param begin the first byte of its data, relative to the data section
     * @param end   one past its last byte
     */
    public record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** The number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The shape as Fovea prints shapes, e.g. {@code [8, 1, 3, 3]}. */
        public String shapeString() {
            return Arrays.toString(shape);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape)
                    && begin == e.begin && end == e.end;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + shapeString() + " [" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final long dataLength;
    private final ImmutableMap<String, String> metadata;
    private final ImmutableList<Entry> entries;
    private final ImmutableMap<String, Entry> byName;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, long dataLength,
            ImmutableMap<String, String> metadata, ImmutableList<Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
        this.metadata = metadata;
        this.entries = entries;
        ImmutableMap.Builder<String, Entry> b = ImmutableMap.builder();
        entries.forEach(e -> b.put(e.name(), e));
        this.byName = b.buildOrThrow();
    }

    /**
     * Opens {@code file} and validates its header (see the class comment); close it when done.
     *
     * @throws CheckpointFormatException naming the file and the problem when it is malformed
     * @throws NoSuchFileException when it does not exist
     */
    public static SafetensorsFile open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return open(file, channel);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static SafetensorsFile open(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw bad(file, "the file is " + size + " bytes long, too short for the 8-byte header length of a "
                    + "safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, lengthBytes, 0);
        long n = lengthBytes.flip().getLong();
        String nText = Long.toUnsignedString(n);
        if (n < 0 || n > size - 8) {
            throw bad(file, "header length " + nText + " is larger than the " + (size - 8) + " bytes that follow it "
                    + "(the file is truncated or is not a safetensors file)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw bad(file, "header length " + nText + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n < 2) {
            throw bad(file, "header length " + nText + " is too small to hold a JSON object");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(file, channel, headerBytes, 8);
        headerBytes.flip();
        String json;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes);
            json = chars.toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "the header is not valid UTF-8");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Header header = parseHeader(file, json);
        List<Entry> entries = validate(file, header.entries, dataLength);
        return new SafetensorsFile(file, channel, dataStart, dataLength, ImmutableMap.copyOf(header.metadata),
                ImmutableList.copyOf(entries));
    }

    private record Header(Map<String, String> metadata, List<RawEntry> entries) {}

    private record RawEntry(String name, String dtype, long[] shape, long[] offsets) {}

    private static Header parseHeader(Path file, String json) throws CheckpointFormatException {
        JsonReader r = new JsonReader(new StringReader(json));
        r.setStrictness(Strictness.STRICT);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<RawEntry> entries = new ArrayList<>();
        try {
            JsonToken first = r.peek();
            if (first != JsonToken.BEGIN_OBJECT) {
                throw bad(file, "the header is not a JSON object (it starts with a " + describe(first) + ")");
            }
            r.beginObject();
            Set<String> names = new HashSet<>();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!names.add(name)) {
                    throw bad(file, name.equals(METADATA_KEY) ? "the header has two " + METADATA_KEY + " objects"
                            : "duplicate tensor name '" + name + "' in the header");
                }
                if (name.equals(METADATA_KEY)) {
                    readMetadata(file, r, metadata);
                } else {
                    entries.add(readEntry(file, r, name));
                }
            }
            r.endObject();
            JsonToken after;
            try {
                after = r.peek();
            } catch (IOException e) {
                throw bad(file, "the header has content after its JSON object");
            }
            if (after != JsonToken.END_DOCUMENT) {
                throw bad(file, "the header has content after its JSON object (a " + describe(after) + ")");
            }
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw bad(file, "the header is not valid JSON: " + e.getMessage());
        }
        return new Header(metadata, entries);
    }

    private static void readMetadata(Path file, JsonReader r, Map<String, String> metadata) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw bad(file, METADATA_KEY + " must be an object of strings, got a " + describe(r.peek()));
        }
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            JsonToken t = r.peek();
            if (t != JsonToken.STRING) {
                throw bad(file, METADATA_KEY + " must map strings to strings, but '" + key + "' is a " + describe(t));
            }
            if (metadata.put(key, r.nextString()) != null) {
                throw bad(file, METADATA_KEY + " has the key '" + key + "' twice");
            }
        }
        r.endObject();
    }

    private static RawEntry readEntry(Path file, JsonReader r, String name) throws IOException {
        String who = "tensor '" + name + "'";
        if (r.peek() != JsonToken.BEGIN_OBJECT) {
            throw bad(file, who + " must be an object with dtype, shape and data_offsets, got a " + describe(r.peek()));
        }
        r.beginObject();
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (r.hasNext()) {
            String key = r.nextName();
            switch (key) {
                case "dtype" -> {
                    if (dtype != null) {
                        throw bad(file, who + " has the key 'dtype' twice");
                    }
                    if (r.peek() != JsonToken.STRING) {
                        throw bad(file, who + ": dtype must be a string, got a " + describe(r.peek()));
                    }
                    dtype = r.nextString();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw bad(file, who + " has the key 'shape' twice");
                    }
                    shape = readIntegers(file, r, who + ": shape");
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw bad(file, who + " has the key 'data_offsets' twice");
                    }
                    offsets = readIntegers(file, r, who + ": data_offsets");
                    if (offsets.length != 2) {
                        throw bad(file, who + ": data_offsets must be [begin, end], got " + offsets.length + " numbers");
                    }
                }
                default -> throw bad(file, who + " has the unknown key '" + key
                        + "' (an entry has exactly dtype, shape and data_offsets)");
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            List<String> missing = new ArrayList<>();
            if (dtype == null) {
                missing.add("dtype");
            }
            if (shape == null) {
                missing.add("shape");
            }
            if (offsets == null) {
                missing.add("data_offsets");
            }
            throw bad(file, who + " lacks " + String.join(", ", missing));
        }
        return new RawEntry(name, dtype, shape, offsets);
    }

    /** A JSON array of non-negative integer literals (no fractions, exponents or signs). */
    private static long[] readIntegers(Path file, JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.BEGIN_ARRAY) {
            throw bad(file, what + " must be a list of non-negative integers, got a " + describe(r.peek()));
        }
        r.beginArray();
        long[] values = new long[4];
        int n = 0;
        while (r.hasNext()) {
            JsonToken t = r.peek();
            if (t != JsonToken.NUMBER) {
                throw bad(file, what + " must be a list of non-negative integers, but holds a " + describe(t));
            }
            String literal = r.nextString();
            long v;
            if (!literal.matches("0|[1-9][0-9]*")) {
                throw bad(file, what + " must be a list of non-negative integers, but holds " + literal);
            }
            try {
                v = Long.parseLong(literal);
            } catch (NumberFormatException e) {
                throw bad(file, what + " holds " + literal + ", which is too large");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = v;
        }
        r.endArray();
        return Arrays.copyOf(values, n);
    }

    private static List<Entry> validate(Path file, List<RawEntry> raw, long dataLength)
            throws CheckpointFormatException {
        List<Entry> entries = new ArrayList<>(raw.size());
        for (RawEntry e : raw) {
            String who = "tensor '" + e.name() + "'";
            Dtype dtype = Dtype.named(e.dtype());
            if (dtype == null) {
                throw bad(file, who + " has the unknown dtype '" + e.dtype() + "' (safetensors dtypes: "
                        + Arrays.toString(Dtype.values()) + "; Fovea reads F32, F64, I32 and I64)");
            }
            long numel = 1;
            long bytes;
            try {
                for (long d : e.shape()) {
                    numel = Math.multiplyExact(numel, d);
                }
                bytes = Math.multiplyExact(numel, dtype.byteSize());
            } catch (ArithmeticException overflow) {
                throw bad(file, who + " has shape " + Arrays.toString(e.shape()) + ", whose size overflows 64 bits");
            }
            long begin = e.offsets()[0];
            long end = e.offsets()[1];
            String range = "data_offsets [" + begin + ", " + end + "]";
            if (end < begin) {
                throw bad(file, who + " has reversed " + range + " (end before begin)");
            }
            if (end > dataLength) {
                throw bad(file, who + " has " + range + " past the end of the " + dataLength + "-byte data section "
                        + "(out of bounds: the file is truncated or the offsets are wrong)");
            }
            if (end - begin != bytes) {
                throw bad(file, who + " has " + range + " (" + (end - begin) + " bytes), but shape "
                        + Arrays.toString(e.shape()) + " of dtype " + dtype + " needs " + bytes + " bytes");
            }
            entries.add(new Entry(e.name(), dtype, e.shape(), begin, end));
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin() < expected) {
                throw bad(file, "tensor '" + e.name() + "' at [" + e.begin() + ", " + e.end() + "] overlaps tensor '"
                        + previous.name() + "' at [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > expected) {
                throw bad(file, "the data section has a hole: bytes [" + expected + ", " + e.begin() + ") belong to no "
                        + "tensor (before tensor '" + e.name() + "')");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataLength) {
            throw bad(file, "the file has " + (dataLength - expected) + " trailing bytes after the last tensor's data "
                    + "(the tensors cover " + expected + " of the data section's " + dataLength + " bytes)");
        }
        return byOffset;
    }

    // ---- Reading ---------------------------------------------------------------------------------

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public ImmutableMap<String, String> metadata() {
        return metadata;
    }

    /** The tensors' entries in the order of their data in the file. */
    public ImmutableList<Entry> entries() {
        return entries;
    }

    /** The tensor names, in data order. */
    public ImmutableList<String> names() {
        return entries.stream().map(Entry::name).collect(ImmutableList.toImmutableList());
    }

    /** The entry of {@code name}, or {@code null}. */
    public Entry entry(String name) {
        return byName.get(name);
    }

    /** Bytes of tensor data (the file's size minus the header). */
    public long dataLength() {
        return dataLength;
    }

    /**
     * Reads tensor {@code name}: F32, F64 and I32 as they are; I64 into INT32, failing if a value is out
     * of the int range.
     *
     * @throws CheckpointFormatException if the dtype is one Fovea cannot hold (F16, BF16, U8, ...), a
     *     dimension exceeds the int range, an I64 value does not fit, or the file was truncated meanwhile
     * @throws IllegalArgumentException if there is no such tensor
     */
    public TensorData read(String name) throws IOException {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + " has no tensor '" + name + "'; it has " + byName.keySet());
        }
        String who = "tensor '" + name + "'";
        DType target = e.dtype().foveaDType();
        if (target == null) {
            throw bad(file, who + " has dtype " + e.dtype() + ", which Fovea does not support; Fovea reads F32, F64, "
                    + "I32 and I64 (as INT32); convert the tensor before saving, e.g. with tensor.float() in PyTorch");
        }
        int[] dims = new int[e.shape.length];
        for (int i = 0; i < dims.length; i++) {
            if (e.shape[i] > Integer.MAX_VALUE) {
                throw bad(file, who + " has shape " + e.shapeString() + "; Fovea's dimensions are at most "
                        + Integer.MAX_VALUE);
            }
            dims[i] = (int) e.shape[i];
        }
        long numel = e.numel();
        if (numel > Integer.MAX_VALUE - 8) {
            throw bad(file, who + " has " + numel + " elements, more than a Java array holds");
        }
        Shape shape = Shape.of(dims);
        int n = (int) numel;
        long position = dataStart + e.begin();
        int chunkElements = Math.max(1, (1 << 20) / e.dtype().byteSize());
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(n, chunkElements) * e.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        Object array = switch (e.dtype()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            default -> new int[n];
        };
        for (int done = 0; done < n; ) {
            int count = Math.min(chunkElements, n - done);
            buffer.clear().limit(count * e.dtype().byteSize());
            readFully(file, channel, buffer, position);
            position += buffer.limit();
            buffer.flip();
            switch (e.dtype()) {
                case F32 -> buffer.asFloatBuffer().get((float[]) array, done, count);
                case F64 -> buffer.asDoubleBuffer().get((double[]) array, done, count);
                case I32 -> buffer.asIntBuffer().get((int[]) array, done, count);
                case I64 -> {
                    int[] ints = (int[]) array;
                    for (int i = 0; i < count; i++) {
                        long v = buffer.getLong(i * 8);
                        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                            throw bad(file, who + " is I64 and element " + (done + i) + " (" + v + ") does not fit "
                                    + "Fovea's INT32");
                        }
                        ints[done + i] = (int) v;
                    }
                }
                default -> throw new AssertionError(e.dtype());
            }
            done += count;
        }
        return TensorData.wrap(target, shape, array);
    }

    /** Reads every tensor (see {@link #read}), by name in data order. */
    public ImmutableMap<String, TensorData> readAll() throws IOException {
        ImmutableMap.Builder<String, TensorData> all = ImmutableMap.builder();
        for (Entry e : entries) {
            all.put(e.name(), read(e.name()));
        }
        return all.buildOrThrow();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + entries.size() + " tensors]";
    }

    // ---- Helpers ---------------------------------------------------------------------------------

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, p);
            if (n < 0) {
                throw new CheckpointFormatException(file, "the file ends at byte " + p + " while " + buffer.remaining()
                        + " more bytes were expected (truncated)", new EOFException());
            }
            p += n;
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "list";
            case BEGIN_OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    static CheckpointFormatException bad(Path file, String problem) {
        return new CheckpointFormatException(file, problem);
    }
}

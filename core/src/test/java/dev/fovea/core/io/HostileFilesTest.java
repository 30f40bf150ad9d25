package dev.fovea.core.io;

import static dev.fovea.core.io.IoTesting.assertRejected;
import static dev.fovea.core.io.SafetensorsTest.file;
import static dev.fovea.core.io.SafetensorsTest.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fovea.api.Layer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed safetensors files, generated here, each rejected with a message naming the file and the
 * problem - and a seeded fuzz test: any mutation of a valid file loads cleanly or fails with a
 * CheckpointFormatException, never another exception, and never changes the model when it fails.
 */
class HostileFilesTest {
    @TempDir
    Path tmp;

    private static final String A8 = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private static byte[] lengthThen(long n, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(ByteOrder.LITTLE_ENDIAN).putLong(n).put(rest).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Stream<Arguments> hostileFiles() {
        byte[] valid = file("{" + A8 + "}", floats(1, 2));
        byte[] utf8 = "{\"\u00e9\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] badUtf8 = Arrays.copyOf(utf8, utf8.length);
        badUtf8[2] = (byte) 0xC3;
        badUtf8[3] = (byte) 0x28;
        return Stream.of(
                Arguments.of("shorter than the length field", new byte[] {1, 2, 3}, "too short for the 8-byte header"),
                Arguments.of("header length larger than the file", lengthThen(1000, "{}      ".getBytes()),
                        "header length 1000 is larger than the 8 bytes that follow it"),
                Arguments.of("absurd header length 2^62", lengthThen(1L << 62, "{}      ".getBytes()),
                        "header length 4611686018427387904 is larger than"),
                Arguments.of("header length with the sign bit set", lengthThen(-8, "{}      ".getBytes()),
                        "header length 18446744073709551608 is larger than"),
                Arguments.of("zero header length", lengthThen(0, new byte[0]), "header length 0 is too small"),
                Arguments.of("invalid JSON", file("{\"a\": ", new byte[0]), "the header is not valid JSON"),
                Arguments.of("lenient JSON (single quotes)", file("{'a':{}}", new byte[0]),
                        "the header is not valid JSON"),
                Arguments.of("header not an object", file("[1, 2]", new byte[0]),
                        "the header is not a JSON object (it starts with a list)"),
                Arguments.of("header not UTF-8", file(badUtf8, new byte[0]),
                        "not valid UTF-8"),
                Arguments.of("content after the object", file("{} {}", new byte[0]), "content after its JSON object"),
                Arguments.of("unknown dtype", file("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "tensor 'a' has the unknown dtype 'F33'"),
                Arguments.of("dtype not a string", file("{\"a\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "dtype must be a string"),
                Arguments.of("negative shape", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "tensor 'a': shape must be a list of non-negative integers, but holds -2"),
                Arguments.of("non-integer shape", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "but holds 2.0"),
                Arguments.of("exponent shape", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2e0],\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "but holds 2e0"),
                Arguments.of("shape not a list", file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}",
                        floats(1, 2)), "shape must be a list of non-negative integers, got a string"),
                Arguments.of("shape product overflows", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                        + "\"data_offsets\":[0,8]}}", floats(1, 2)), "whose size overflows 64 bits"),
                Arguments.of("offsets out of bounds", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[1000,1008]}}", floats(1, 2)), "past the end of the 8-byte data section"),
                Arguments.of("huge offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                        + "\"data_offsets\":[9223372036854775800,9223372036854775804]}}", floats(1)),
                        "out of bounds"),
                Arguments.of("offsets too large for a long", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                        + "\"data_offsets\":[0,99999999999999999999]}}", floats(1)), "which is too large"),
                Arguments.of("three offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}",
                        floats(1, 2)), "data_offsets must be [begin, end], got 3 numbers"),
                Arguments.of("reversed offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
                        floats(1, 2)), "tensor 'a' has reversed data_offsets [8, 0]"),
                Arguments.of("overlapping tensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", floats(1, 2, 3)),
                        "tensor 'b' at [4, 12] overlaps tensor 'a' at [0, 8]"),
                Arguments.of("hole between tensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", floats(1, 2, 3)),
                        "the data section has a hole: bytes [4, 8) belong to no tensor"),
                Arguments.of("hole at the start", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                        floats(1, 2)), "bytes [0, 4) belong to no tensor"),
                Arguments.of("byte length not shape x dtype size", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],"
                        + "\"data_offsets\":[0,8]}}", floats(1, 2)),
                        "tensor 'a' has data_offsets [0, 8] (8 bytes), but shape [3] of dtype F32 needs 12 bytes"),
                Arguments.of("truncated data", Arrays.copyOf(valid, valid.length - 3),
                        "past the end of the 5-byte data section (out of bounds: the file is truncated"),
                Arguments.of("trailing garbage", concat(valid, new byte[] {9, 9, 9, 9}),
                        "the file has 4 trailing bytes after the last tensor's data"),
                Arguments.of("duplicate names", file("{" + A8 + "," + A8 + "}", floats(1, 2)),
                        "duplicate tensor name 'a' in the header"),
                Arguments.of("duplicate key in an entry", file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}", floats(1, 2)), "tensor 'a' has the key 'dtype' twice"),
                Arguments.of("unknown key in an entry", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8],\"foo\":1}}", floats(1, 2)), "tensor 'a' has the unknown key 'foo'"),
                Arguments.of("missing key in an entry", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", new byte[0]),
                        "tensor 'a' lacks data_offsets"),
                Arguments.of("entry not an object", file("{\"a\":[1]}", new byte[0]),
                        "tensor 'a' must be an object with dtype, shape and data_offsets, got a list"),
                Arguments.of("metadata not string to string", file("{\"__metadata__\":{\"epochs\":3}," + A8 + "}",
                        floats(1, 2)), "__metadata__ must map strings to strings, but 'epochs' is a number"),
                Arguments.of("metadata not an object", file("{\"__metadata__\":\"x\"}", new byte[0]),
                        "__metadata__ must be an object of strings, got a string"),
                Arguments.of("two metadata objects", file("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0]),
                        "two __metadata__ objects"),
                Arguments.of("duplicate metadata key", file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0]),
                        "has the key 'k' twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void hostileFileIsRejectedNamingFileAndProblem(String what, byte[] bytes, String fragment) throws IOException {
        Path f = tmp.resolve(what.replaceAll("[^a-z0-9]+", "-") + ".safetensors");
        Files.write(f, bytes);
        assertRejected(f, fragment, () -> Safetensors.read(f));
    }

    @Test
    void headerOverTheLimitIsRejectedWithoutReadingIt() throws IOException {
        Path f = tmp.resolve("huge-header.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(SafetensorsFile.MAX_HEADER_BYTES + 1024); // sparse: costs no disk
            byte[] n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SafetensorsFile.MAX_HEADER_BYTES + 8).array();
            raf.write(n);
        }
        assertRejected(f, "header length 100000008 exceeds the limit of 100000000 bytes", () -> Safetensors.read(f));
    }

    @Test
    void weightsThatDoNotFitTheModelAreListedAndNothingChanges() throws IOException {
        Layer model = IoTesting.smallCnn().init(IoTesting.cpu(), 1);
        Layer other = IoTesting.smallCnn().init(IoTesting.cpu(), 2);
        Path good = tmp.resolve("good.safetensors");
        ModelIo.saveWeights(model, good);

        Map<String, TensorData> tensors = new java.util.LinkedHashMap<>(Safetensors.read(good));
        tensors.remove("1.running_var");
        tensors.put("1.bogus", TensorData.of(new float[] {1}, dev.fovea.api.Shape.of(1)));
        tensors.put("6.weight", TensorData.of(new float[640 * 2], dev.fovea.api.Shape.of(20, 64)));
        tensors.put("0.bias", TensorData.ofInts(new int[4], dev.fovea.api.Shape.of(4)));
        Path bad = tmp.resolve("bad.safetensors");
        Safetensors.write(bad, tensors, Map.of());

        CheckpointFormatException e = assertRejected(bad, "the tensors do not fit the model",
                () -> ModelIo.loadWeights(other, bad));
        assertTrue(e.getMessage().contains("missing 1: 1.running_var"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected 1: 1.bogus"), e.getMessage());
        assertTrue(e.getMessage().contains("shape mismatch 1: 6.weight (file [20, 64], model [10, 64])"), e.getMessage());
        assertTrue(e.getMessage().contains("incompatible dtype 1: 0.bias (file I32, model FLOAT32)"), e.getMessage());
        Layer untouched = IoTesting.smallCnn().init(IoTesting.cpu(), 2);
        IoTesting.assertSameBits(untouched, other);
    }

    @Test
    void fuzzedFilesLoadCleanlyOrFailWithTheFormatExceptionAndNeverHalfLoad() throws IOException {
        Layer source = IoTesting.smallCnn().init(IoTesting.cpu(), 3);
        Path valid = tmp.resolve("valid.safetensors");
        ModelIo.saveWeights(source, valid);
        byte[] original = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();

        Layer target = IoTesting.smallCnn().init(IoTesting.cpu(), 4);
        Map<String, TensorData> before = snapshot(target);
        Random random = new Random(20240611L);
        Path mutated = tmp.resolve("mutated.safetensors");
        int loaded = 0;
        int rejected = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = mutate(original, headerEnd, random);
            Files.write(mutated, bytes);
            try {
                ModelIo.loadWeights(target, mutated);
                loaded++;
                before = snapshot(target);
            } catch (CheckpointFormatException e) {
                rejected++;
                assertEquals(mutated, e.file(), e.getMessage());
                if (i % 50 == 0) {
                    assertEquals(before, snapshot(target), "a rejected file changed the model: " + e.getMessage());
                }
            } catch (Throwable t) {
                fail("iteration " + i + ": expected a clean load or a CheckpointFormatException, got " + t, t);
            }
        }
        assertTrue(loaded > 50 && rejected > 500, "mutations exercise both outcomes: " + loaded + " loaded, "
                + rejected + " rejected");
    }

    private static Map<String, TensorData> snapshot(Layer model) {
        Map<String, TensorData> out = new java.util.LinkedHashMap<>();
        ModelIo.stateDict(model).forEach((k, v) -> out.put(k, TensorData.copyOf(v)));
        return out;
    }

    /** One random corruption: flipped bytes (mostly in the header), a truncation, an insertion or a new length. */
    private static byte[] mutate(byte[] original, int headerEnd, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(6)) {
            case 0, 1 -> { // flip 1..4 header bytes
                int n = 1 + random.nextInt(4);
                for (int k = 0; k < n; k++) {
                    int at = 8 + random.nextInt(headerEnd - 8);
                    b[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : "{}[],:\"0123456789-. e"
                            .charAt(random.nextInt(21)));
                }
                return b;
            }
            case 2 -> { // flip anywhere, data included (often a clean load of other values)
                b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                return b;
            }
            case 3 -> { // truncate
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 4 -> { // insert or delete a byte
                int at = random.nextInt(b.length);
                if (random.nextBoolean()) {
                    byte[] out = new byte[b.length + 1];
                    System.arraycopy(b, 0, out, 0, at);
                    out[at] = (byte) random.nextInt(256);
                    System.arraycopy(b, at, out, at + 1, b.length - at);
                    return out;
                }
                byte[] out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + 1, out, at, b.length - at - 1);
                return out;
            }
            default -> { // a new header length
                long n = switch (random.nextInt(4)) {
                    case 0 -> random.nextLong();
                    case 1 -> random.nextInt(b.length + 16);
                    case 2 -> (headerEnd - 8) + random.nextInt(17) - 8;
                    default -> 1L << random.nextInt(64);
                };
                ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(n);
                return b;
            }
        }
    }
}

package dev.fovea.core.io;

import static dev.fovea.core.io.IoTesting.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    /** A file of {@code header} (padded with spaces to 8 bytes) and {@code data}. */
    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    /** A file of the raw header bytes {@code json} (padded with spaces to 8 bytes) and {@code data}. */
    static byte[] file(byte[] json, byte[] data) {
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void roundTripKeepsDtypesShapesBitsAndMetadata() throws IOException {
        float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorData.of(new float[] {1.5f, -0.0f, nanWithPayload, Float.POSITIVE_INFINITY,
                Float.MIN_VALUE, -3e38f}, Shape.of(2, 3)));
        tensors.put("d", TensorData.of(new double[] {Math.PI, -1e-300}, Shape.of(2)));
        tensors.put("i", TensorData.ofInts(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}, Shape.of(3, 1)));
        tensors.put("scalar", TensorData.of(new float[] {42f}, Shape.scalar()));
        tensors.put("empty", TensorData.of(new float[0], Shape.of(0, 5)));
        Path f = tmp.resolve("t.safetensors");
        Safetensors.write(f, tensors, Map.of("note", "héllo \"quoted\"", "format", "pt"));

        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(Map.of("note", "héllo \"quoted\"", "format", "pt"), file.metadata());
            assertEquals(tensors.keySet(), Map.copyOf(file.readAll()).keySet());
            for (var e : tensors.entrySet()) {
                TensorData back = file.read(e.getKey());
                assertEquals(e.getValue().dtype(), back.dtype(), e.getKey());
                assertEquals(e.getValue().shape(), back.shape(), e.getKey());
                assertEquals(e.getValue(), back, e.getKey());
            }
            float[] w = file.read("w").toFloatArray();
            assertEquals(0x7fc0_1234, Float.floatToRawIntBits(w[2]), "NaN payload survives");
            assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(w[1]));
        }
    }

    @Test
    void layoutIsTheReferenceImplementationsByteForByte() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("b", TensorData.of(new float[] {1, 2}, Shape.of(2)));
        tensors.put("a", TensorData.of(new float[] {3}, Shape.of(1)));
        tensors.put("c", TensorData.ofInts(new int[] {7}, Shape.of(1)));
        tensors.put("z", TensorData.of(new double[] {0.5}, Shape.scalar()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Safetensors.Item> items = tensors.entrySet().stream()
                .map(e -> Safetensors.Item.of(e.getKey(), e.getValue())).toList();
        Safetensors.write(out, items, Map.of("format", "pt"));
        byte[] bytes = out.toByteArray();

        // what safetensors.torch.save_file writes for the same tensors: widest dtype first, then by name,
        // compact JSON, metadata first, padded with spaces to a multiple of 8
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"z\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
                + "\"c\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[20,24]}}";
        ByteBuffer data = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        data.putDouble(0.5).putFloat(3).putFloat(1).putFloat(2).putInt(7);
        assertArrayEquals(file(header, data.array()), bytes);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
    }

    @Test
    void emptyFileOfNoTensorsIsValid() throws IOException {
        Path f = tmp.resolve("none.safetensors");
        Safetensors.write(f, Map.of(), Map.of());
        assertEquals(16, Files.size(f), "8-byte length + \"{}\" padded to 8");
        assertEquals("{}      ", new String(Files.readAllBytes(f), 8, 8, StandardCharsets.UTF_8), "padded with spaces");
        assertTrue(Safetensors.read(f).isEmpty());
    }

    @Test
    void readsI64AsInt32AndRejectsValuesOutOfRange() throws IOException {
        ByteBuffer ok = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(-3);
        Path f = tmp.resolve("i64.safetensors");
        Files.write(f, file("{\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", ok.array()));
        TensorData n = Safetensors.read(f).get("n");
        assertEquals(DType.INT32, n.dtype());
        assertArrayEquals(new int[] {5, -3}, n.toIntArray());

        ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Path g = tmp.resolve("i64big.safetensors");
        Files.write(g, file("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", big.array()));
        assertRejected(g, "does not fit Fovea's INT32", () -> Safetensors.read(g));
    }

    @Test
    void listsButDoesNotReadDtypesFoveaCannotHold() throws IOException {
        Path f = tmp.resolve("half.safetensors");
        Files.write(f, file("{\"h\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(SafetensorsFile.Dtype.BF16, file.entry("h").dtype());
            assertRejected(f, "dtype BF16, which Fovea does not support", () -> file.read("h"));
        }
    }

    @Test
    void tensorsAreListedInDataOrderWhateverTheHeaderOrder() throws IOException {
        Path f = tmp.resolve("order.safetensors");
        Files.write(f, file("{\"second\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"first\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", floats(1, 2)));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            assertEquals(List.of("first", "second"), file.names());
            assertArrayEquals(new float[] {2}, file.read("second").toFloatArray());
        }
    }
}

package dev.fovea.core.data;

import static dev.fovea.core.data.IdxFiles.idx;
import static dev.fovea.core.data.IdxFiles.ubytes;
import static dev.fovea.core.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsUbyteImagesPlainOrGzipDetectedByMagicNotName(boolean gzip) throws IOException {
        // The name says nothing about compression: the reader must look at the bytes.
        Path file = write(dir.resolve("images.bin"),
                idx(0x08, new int[] {2, 2, 3}, ubytes(0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 128)), gzip);
        Idx idx = Idx.read(file);
        assertEquals(Idx.ElementType.UBYTE, idx.type());
        assertEquals(ImmutableList.of(2, 2, 3), idx.dims());
        assertEquals(12, idx.numel());
        float[] pixels = idx.toFloatArray(255f);
        assertEquals(1f, pixels[5]);
        assertEquals(128f / 255f, pixels[11]);
        assertEquals(2f / 255f, pixels[2]);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 255, 10, 20, 30, 40, 50, 128}, idx.toIntArray());
        assertEquals(idx, idx.require(Idx.ElementType.UBYTE, 3));
    }

    @Test
    void readsWiderTypesBigEndian() throws IOException {
        ByteBuffer ints = ByteBuffer.allocate(12).putInt(-7).putInt(70_000).putInt(Integer.MAX_VALUE);
        assertArrayEquals(new int[] {-7, 70_000, Integer.MAX_VALUE},
                Idx.read(write(dir.resolve("i"), idx(0x0C, new int[] {3}, ints.array()), false)).toIntArray());

        ByteBuffer shorts = ByteBuffer.allocate(4).putShort((short) -300).putShort((short) 1234);
        assertArrayEquals(new int[] {-300, 1234},
                Idx.read(write(dir.resolve("s"), idx(0x0B, new int[] {2}, shorts.array()), true)).toIntArray());

        ByteBuffer floats = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-0.25f);
        Idx f = Idx.read(write(dir.resolve("f"), idx(0x0D, new int[] {1, 2}, floats.array()), false));
        assertEquals(Idx.ElementType.FLOAT, f.type());
        assertArrayEquals(new float[] {1.5f, -0.25f}, f.toFloatArray(1f));
        assertThrows(IllegalStateException.class, f::toIntArray);

        assertArrayEquals(new int[] {-1, 127},
                Idx.read(write(dir.resolve("b"), idx(0x09, new int[] {2}, ubytes(0xFF, 0x7F)), false)).toIntArray());
    }

    @Test
    void emptyFirstDimensionIsValid() throws IOException {
        Idx idx = Idx.read(write(dir.resolve("empty"), idx(0x08, new int[] {0, 28, 28}, new byte[0]), false));
        assertEquals(0, idx.numel());
        assertEquals(ImmutableList.of(0, 28, 28), idx.dims());
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path missing = dir.resolve("nope-idx1-ubyte");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    // ---- Malformed files: every message names the file -----------------------------------------

    private IOException rejected(String name, byte[] content, boolean gzip, String... expectedFragments)
            throws IOException {
        Path file = write(dir.resolve(name), content, gzip);
        IOException e = assertThrows(IOException.class, () -> Idx.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "message must name the file: " + e.getMessage());
        for (String fragment : expectedFragments) {
            assertTrue(e.getMessage().contains(fragment), "message lacks '" + fragment + "': " + e.getMessage());
        }
        return e;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void rejectsBadMagic(boolean gzip) throws IOException {
        byte[] content = idx(0x08, new int[] {3}, ubytes(1, 2, 3));
        content[1] = 0x01;
        rejected("bad-magic", content, gzip, "bad magic number 0x00 0x01 0x08 0x01");
        // A PNG, say, is no IDX file either.
        rejected("png", ubytes(0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 0), false, "bad magic number");
    }

    @Test
    void rejectsUnknownElementType() throws IOException {
        rejected("type07", idx(0x07, new int[] {3}, ubytes(1, 2, 3)), false, "unknown element type 0x07");
    }

    @Test
    void rejectsWrongElementTypeOrRankWhereUbyteIsRequired() throws IOException {
        Path floats = write(dir.resolve("floats-idx3"),
                idx(0x0D, new int[] {1, 1, 1}, ByteBuffer.allocate(4).putFloat(1f).array()), false);
        IOException e = assertThrows(IOException.class,
                () -> Idx.read(floats).require(Idx.ElementType.UBYTE, 3));
        assertTrue(e.getMessage().startsWith(floats.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 3-dimensional UBYTE") && e.getMessage().contains("FLOAT"),
                e.getMessage());

        Path rank2 = write(dir.resolve("rank2"), idx(0x08, new int[] {2, 2}, ubytes(1, 2, 3, 4)), false);
        IOException e2 = assertThrows(IOException.class, () -> Idx.read(rank2).require(Idx.ElementType.UBYTE, 3));
        assertTrue(e2.getMessage().contains("2-dimensional UBYTE [2, 2]"), e2.getMessage());
    }

    @Test
    void rejectsTruncatedPlainFileWithSizes() throws IOException {
        byte[] full = idx(0x08, new int[] {2, 3}, ubytes(1, 2, 3, 4, 5, 6));
        rejected("truncated", Arrays.copyOf(full, full.length - 2), false,
                "need 18 bytes (12 header + 6 data)", "file has 16 bytes", "truncated");
    }

    @Test
    void rejectsTruncatedGzipContent() throws IOException {
        byte[] full = idx(0x08, new int[] {2, 3}, ubytes(1, 2, 3, 4, 5, 6));
        rejected("truncated.gz", Arrays.copyOf(full, full.length - 2), true, "need 6 data bytes, but only 4");
    }

    @Test
    void rejectsTruncatedGzipStream() throws IOException {
        Path good = write(dir.resolve("good.gz"), idx(0x08, new int[] {4000}, new byte[4000]), true);
        byte[] gz = Files.readAllBytes(good);
        // Cut the compressed stream itself in half.
        rejected("cut.gz", Arrays.copyOf(gz, gz.length / 2), false);
    }

    @Test
    void rejectsHeaderCutShort() throws IOException {
        rejected("short-magic", ubytes(0, 0), false, "shorter than the 4-byte IDX magic number");
        rejected("short-dims", ubytes(0, 0, 8, 3, 0, 0, 0, 1), false, "ends inside the header");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void rejectsTrailingBytes(boolean gzip) throws IOException {
        byte[] content = idx(0x08, new int[] {2}, ubytes(1, 2, 3));
        rejected("trailing", content, gzip, "trailing bytes");
    }

    @Test
    void refusesHugeHeadersWithoutAllocating() throws IOException {
        // 65536 * 65536 ubytes = 4 GiB: more than a Java array, refused from the header alone.
        rejected("huge", idx(0x08, new int[] {65536, 65536}, ubytes(1, 2, 3)), false, "more than the 2^31-9");
        // 10^9 bytes claimed by a tiny plain file.
        rejected("liar", idx(0x08, new int[] {1000, 1000, 1000}, ubytes(1, 2, 3)), false,
                "need 1000000016 bytes", "file has 19 bytes");
        // 10^9 bytes claimed by a tiny gzip file: more than deflate can expand to.
        rejected("liar.gz", idx(0x08, new int[] {1000, 1000, 1000}, ubytes(1, 2, 3)), true,
                "more than a gzip file of");
        // A dimension above 2^31-1 (the high bit set).
        rejected("negative", idx(0x08, new int[] {-1}, ubytes(1)), false, "dimension 0 is 4294967295");
    }
}

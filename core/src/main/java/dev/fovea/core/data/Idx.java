package dev.fovea.core.data;

import com.google.common.base.Preconditions;
import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Ints;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * One array read from an IDX file, the format of MNIST and Fashion-MNIST
 * (<a href="http://yann.lecun.com/exdb/mnist/">LeCun et al.</a>): a 4-byte magic number
 * {@code 0x00 0x00 <type> <rank>}, then {@code rank} big-endian 32-bit dimensions, then the
 * elements, big-endian, row-major.
 *
 * <p>{@link #read} accepts the file plain or gzip-compressed, telling them apart by the gzip magic
 * bytes {@code 1f 8b} rather than by the file name. It trusts nothing in the header: the element
 * count must fit a Java array, a plain file must be exactly as long as the header implies, and a
 * gzip file must decompress to exactly that many bytes (and cannot claim more than deflate could
 * possibly hold). Every error is an {@link IOException} whose message starts with the file's path
 * and says what was expected and what was found.
 */
public final class Idx {
    /** Deflate cannot expand data by more than about 1032:1; allow a little slack. */
    private static final long MAX_GZIP_RATIO = 1100;
    /** Largest data section read: the largest byte[] a JVM reliably allocates. */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    /** The element types an IDX file may declare in the third magic byte. */
    public enum ElementType {
        /** Unsigned byte, {@code 0x08}: what MNIST images and labels use. */
        UBYTE(0x08, 1),
        /** Signed byte, {@code 0x09}. */
        BYTE(0x09, 1),
        /** Big-endian signed 16-bit integer, {@code 0x0B}. */
        SHORT(0x0B, 2),
        /** Big-endian signed 32-bit integer, {@code 0x0C}. */
        INT(0x0C, 4),
        /** Big-endian IEEE 754 float, {@code 0x0D}. */
        FLOAT(0x0D, 4),
        /** Big-endian IEEE 754 double, {@code 0x0E}. */
        DOUBLE(0x0E, 8);

        private final int code;
        private final int byteSize;

        ElementType(int code, int byteSize) {
            this.code = code;
            this.byteSize = byteSize;
        }

        /** The type's code in the magic number. */
        public int code() {
            return code;
        }

        /** Bytes per element. */
        public int byteSize() {
            return byteSize;
        }

        /** Whether the elements are integers (and so {@link Idx#toIntArray()} is exact). */
        public boolean isInteger() {
            return this != FLOAT && this != DOUBLE;
        }

        static ElementType fromCode(int code) {
            for (ElementType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Path file;
    private final ElementType type;
    private final ImmutableList<Integer> dims;
    private final byte[] data;

    private Idx(Path file, ElementType type, ImmutableList<Integer> dims, byte[] data) {
        this.file = file;
        this.type = type;
        this.dims = dims;
        this.data = data;
    }

    /**
     * Reads and validates an IDX file, plain or gzip-compressed.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException naming the file when it is not a well-formed IDX file
     */
    public static Idx read(Path file) throws IOException {
        Preconditions.checkNotNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        long fileSize = Files.size(file);
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            boolean gzip = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
            return read(file, in, fileSize, gzip);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": cannot read IDX file: " + e, e);
        }
    }

    private static Idx read(Path file, InputStream in, long fileSize, boolean gzip) throws IOException {
        DataInputStream header = new DataInputStream(in);
        int m0;
        int m1;
        int typeCode;
        int rank;
        try {
            m0 = header.readUnsignedByte();
            m1 = header.readUnsignedByte();
            typeCode = header.readUnsignedByte();
            rank = header.readUnsignedByte();
        } catch (EOFException e) {
            throw malformed(file, "the file is shorter than the 4-byte IDX magic number");
        }
        if (m0 != 0 || m1 != 0) {
            throw malformed(file, String.format(Locale.ROOT,
                    "bad magic number 0x%02x 0x%02x 0x%02x 0x%02x: an IDX file starts with 0x00 0x00"
                            + " <type> <rank>%s",
                    m0, m1, typeCode, rank, gzip ? " (after gzip decompression)" : ""));
        }
        ElementType type = ElementType.fromCode(typeCode);
        if (type == null) {
            throw malformed(file, String.format(Locale.ROOT,
                    "unknown element type 0x%02x in the magic number; IDX types are 0x08 ubyte, 0x09 byte,"
                            + " 0x0B short, 0x0C int, 0x0D float, 0x0E double", typeCode));
        }
        if (rank == 0) {
            throw malformed(file, "the header declares 0 dimensions");
        }
        ImmutableList.Builder<Integer> dims = ImmutableList.builderWithExpectedSize(rank);
        long numel = 1;
        for (int i = 0; i < rank; i++) {
            long d;
            try {
                d = Integer.toUnsignedLong(header.readInt());
            } catch (EOFException e) {
                throw malformed(file, "the file ends inside the header, which declares " + rank
                        + " dimensions (" + (4 + 4 * rank) + " bytes)");
            }
            if (d > Integer.MAX_VALUE) {
                throw malformed(file, "dimension " + i + " is " + d + ", more than 2^31-1");
            }
            dims.add((int) d);
            long limit = Long.MAX_VALUE / 16; // saturate instead of overflowing; checked below
            numel = d != 0 && numel > limit / d ? limit : numel * d;
        }
        ImmutableList<Integer> dimList = dims.build();
        long headerBytes = 4L + 4L * rank;
        long dataBytes = numel * type.byteSize();
        if (dataBytes > MAX_DATA_BYTES) {
            throw malformed(file, "the header's dimensions " + dimList + " of " + type + " need " + dataBytes
                    + " bytes, more than the 2^31-9 this reader supports");
        }
        if (!gzip && headerBytes + dataBytes != fileSize) {
            throw malformed(file, "the header's dimensions " + dimList + " of " + type + " need "
                    + (headerBytes + dataBytes) + " bytes (" + headerBytes + " header + " + dataBytes
                    + " data), but the file has " + fileSize + " bytes ("
                    + (fileSize < headerBytes + dataBytes ? "truncated" : "trailing bytes") + ")");
        }
        if (gzip && dataBytes > fileSize * MAX_GZIP_RATIO + 4096) {
            throw malformed(file, "the header's dimensions " + dimList + " of " + type + " need " + dataBytes
                    + " bytes, more than a gzip file of " + fileSize + " bytes can hold");
        }
        // readNBytes grows its buffer as data actually arrives, so a lying header cannot make us
        // allocate far more than the stream delivers.
        byte[] data;
        try {
            data = in.readNBytes((int) dataBytes);
        } catch (EOFException e) {
            throw malformed(file, "the compressed data ends early (truncated gzip file?): " + e.getMessage());
        }
        if (data.length < dataBytes) {
            throw malformed(file, "the header's dimensions " + dimList + " of " + type + " need " + dataBytes
                    + " data bytes, but only " + data.length + " follow the header (truncated"
                    + (gzip ? " after gzip decompression)" : ")"));
        }
        if (in.read() != -1) {
            throw malformed(file, "trailing bytes after the " + dataBytes + " data bytes that the header's"
                    + " dimensions " + dimList + " of " + type + " need" + (gzip ? " (after gzip decompression)" : ""));
        }
        return new Idx(file, type, dimList, data);
    }

    private static IOException malformed(Path file, String what) {
        return new IOException(file + ": " + what);
    }

    /** The file this array was read from. */
    public Path file() {
        return file;
    }

    /** The element type the file declares. */
    public ElementType type() {
        return type;
    }

    /** The dimensions, outermost first, e.g. {@code [10000, 28, 28]} for MNIST test images. */
    public ImmutableList<Integer> dims() {
        return dims;
    }

    /** Number of elements: the product of the dimensions. */
    public int numel() {
        return data.length / type.byteSize();
    }

    /**
     * Checks that the file has element type {@code expectedType} and {@code expectedRank}
     * dimensions, and returns this.
     *
     * @throws IOException naming the file and what was expected and found otherwise
     */
    public Idx require(ElementType expectedType, int expectedRank) throws IOException {
        if (type != expectedType || dims.size() != expectedRank) {
            throw malformed(file, "expected " + expectedRank + "-dimensional " + expectedType + " (type 0x"
                    + String.format(Locale.ROOT, "%02X", expectedType.code()) + ") data, but the header declares "
                    + dims.size() + "-dimensional " + type + " " + dims);
        }
        return this;
    }

    /** The elements as floats, row-major, each divided by {@code divisor} (in float arithmetic). */
    public float[] toFloatArray(float divisor) {
        Preconditions.checkArgument(divisor != 0 && Float.isFinite(divisor), "divisor must be finite and non-zero");
        int n = numel();
        float[] out = new float[n];
        ByteBuffer buf = ByteBuffer.wrap(data); // big-endian, as IDX is
        for (int i = 0; i < n; i++) {
            out[i] = (float) switch (type) {
                case UBYTE -> data[i] & 0xFF;
                case BYTE -> data[i];
                case SHORT -> buf.getShort(2 * i);
                case INT -> buf.getInt(4 * i);
                case FLOAT -> buf.getFloat(4 * i);
                case DOUBLE -> buf.getDouble(8 * i);
            } / divisor;
        }
        return out;
    }

    /**
     * The elements as ints, row-major.
     *
     * @throws IllegalStateException if the file holds floating-point elements
     */
    public int[] toIntArray() {
        Preconditions.checkState(type.isInteger(), "%s holds %s elements, not integers", file, type);
        int n = numel();
        int[] out = new int[n];
        ByteBuffer buf = ByteBuffer.wrap(data);
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case UBYTE -> data[i] & 0xFF;
                case BYTE -> data[i];
                case SHORT -> buf.getShort(2 * i);
                case INT -> buf.getInt(4 * i);
                default -> throw new AssertionError(type);
            };
        }
        return out;
    }

    /** The dimensions as an array. */
    public int[] dimsArray() {
        return Ints.toArray(dims);
    }

    @Override
    public String toString() {
        return "Idx[" + file + ", " + type + " " + dims + "]";
    }
}

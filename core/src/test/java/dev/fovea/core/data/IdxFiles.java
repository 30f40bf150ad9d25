package dev.fovea.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files byte by byte, independently of the reader under test. */
final class IdxFiles {
    private IdxFiles() {}

    /** Header {@code 00 00 type rank} and the big-endian dims, then {@code data} as given. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] ubytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        if (gzip) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(content);
            }
            Files.write(file, bytes.toByteArray());
        } else {
            Files.write(file, content);
        }
        return file;
    }

    /**
     * Writes an MNIST-format split into {@code dir}: {@code count} images of rows × cols whose pixel
     * {@code p} of image {@code i} is {@code (i * 7 + p) % 256}, and labels {@code i % 10}.
     */
    static void writeMnistSplit(Path dir, Split split, int count, int rows, int cols, boolean gzip)
            throws IOException {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int p = 0; p < rows * cols; p++) {
                pixels[i * rows * cols + p] = (byte) ((i * 7 + p) % 256);
            }
        }
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
        }
        String suffix = gzip ? ".gz" : "";
        write(dir.resolve(split.filePrefix() + "-images-idx3-ubyte" + suffix),
                idx(0x08, new int[] {count, rows, cols}, pixels), gzip);
        write(dir.resolve(split.filePrefix() + "-labels-idx1-ubyte" + suffix),
                idx(0x08, new int[] {count}, labels), gzip);
    }
}

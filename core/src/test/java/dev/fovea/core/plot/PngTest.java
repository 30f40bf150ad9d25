package dev.fovea.core.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngTest {
    @TempDir
    Path dir;

    @Test
    void staleLocalDisplaysAreRecognisedRemoteOnesLeftToAwt() {
        boolean x0Exists = Files.exists(Path.of("/tmp/.X11-unix/X0"));
        assertEquals(!x0Exists, Png.isDeadLocalX11Display(":0"));
        assertEquals(!x0Exists, Png.isDeadLocalX11Display(":0.0"));
        assertEquals(!x0Exists, Png.isDeadLocalX11Display("unix:0"));
        assertTrue(Png.isDeadLocalX11Display(":987654"), "no X server runs on display 987654");
        assertFalse(Png.isDeadLocalX11Display("remote-host:10.0"));
        assertFalse(Png.isDeadLocalX11Display("localhost:10"));
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTempFile() throws IOException {
        Path target = dir.resolve("keep.png");
        Png.write(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), target);
        byte[] before = Files.readAllBytes(target);
        // an image no PNG writer accepts: the write fails after the temporary file was created
        BufferedImage unwritable = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB) {
            @Override
            public java.awt.image.WritableRaster getRaster() {
                throw new IllegalStateException("boom");
            }

            @Override
            public java.awt.image.Raster getData(java.awt.Rectangle rect) {
                throw new IllegalStateException("boom");
            }
        };
        assertThrows(RuntimeException.class, () -> Png.write(unwritable, target));
        assertEquals(before.length, Files.readAllBytes(target).length);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList(), "the temporary file was removed");
        }
    }
}

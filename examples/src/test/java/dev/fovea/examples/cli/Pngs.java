package dev.fovea.examples.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Checks on the PNGs the commands write. */
final class Pngs {
    private Pngs() {}

    /** Asserts that {@code png} exists and decodes to an image of at least {@code minWidth} x {@code minHeight}. */
    static BufferedImage assertReadable(Path png, int minWidth, int minHeight) {
        assertTrue(Files.isRegularFile(png), "PNG written: " + png);
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, "ImageIO decodes " + png);
            assertTrue(image.getWidth() >= minWidth && image.getHeight() >= minHeight,
                    png + " is " + image.getWidth() + "x" + image.getHeight());
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the image has more than one colour (a blank PNG would not). */
    static boolean hasContent(BufferedImage image) {
        int first = image.getRGB(0, 0);
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                if (image.getRGB(x, y) != first) {
                    return true;
                }
            }
        }
        return false;
    }
}

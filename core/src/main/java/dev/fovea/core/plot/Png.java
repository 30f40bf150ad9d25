package dev.fovea.core.plot;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Headless set-up and atomic PNG writing shared by the plot classes. */
final class Png {
    private Png() {}

    private static final Pattern LOCAL_DISPLAY = Pattern.compile("^(?:unix)?:(\\d+)(?:\\.\\d+)?$");

    static {
        ensureHeadlessWithoutDisplay();
    }

    /**
     * Sets {@code java.awt.headless=true} when the user has not chosen and there is no display to
     * talk to: neither {@code DISPLAY} nor {@code WAYLAND_DISPLAY} is set, or {@code DISPLAY} names a
     * local X server ({@code :N}) whose socket {@code /tmp/.X11-unix/XN} does not exist (a stale
     * variable, e.g. in a container). JDK 17 on Linux infers the first case itself; the second would
     * otherwise fail with "Can't connect to X11 window server". Drawing into images never needs a
     * display, so headless costs this package nothing. Must run before the first AWT call of the
     * process to have an effect; harmless afterwards.
     */
    static void ensureHeadlessWithoutDisplay() {
        if (System.getProperty("java.awt.headless") != null) {
            return;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win") || os.contains("mac")) {
            return; // these always have a graphics environment
        }
        String display = System.getenv("DISPLAY");
        boolean wayland = !isBlank(System.getenv("WAYLAND_DISPLAY"));
        if (!wayland && (isBlank(display) || isDeadLocalX11Display(display))) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** True for {@code :N} / {@code :N.S} / {@code unix:N} displays without a socket file. */
    static boolean isDeadLocalX11Display(String display) {
        Matcher m = LOCAL_DISPLAY.matcher(display.trim());
        if (!m.matches()) {
            return false; // a remote or unusual display: let AWT decide
        }
        try {
            return !Files.exists(Path.of("/tmp/.X11-unix", "X" + m.group(1)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * Writes {@code image} as a PNG at {@code target}: creates missing parent directories, writes a
     * temporary file beside the target, forces it to disk and moves it over the target (atomically
     * where the file system allows). On failure the temporary file is removed and any previous
     * target is left untouched.
     *
     * @throws IOException naming the target path and the cause
     */
    static void write(BufferedImage image, Path target) throws IOException {
        Path file = target.toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (dir == null || file.getFileName() == null) {
            throw new IOException("cannot write PNG to " + target + ": it names no file");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot write PNG " + file + ": cannot create directory " + dir
                    + " (" + e + ")", e);
        }
        Path tmp = null;
        try {
            // not Files.createTempFile: its owner-only permissions would stick to the PNG after the move
            Path candidate = dir.resolve("." + file.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            FileChannel channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            tmp = candidate; // ours from here on: remove it if anything below fails
            try (channel) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                if (!ImageIO.write(image, "png", out)) {
                    throw new IOException("no PNG writer is available in this JDK");
                }
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new IOException("cannot write PNG " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original failure is what the caller needs to see
                }
            }
        }
    }
}

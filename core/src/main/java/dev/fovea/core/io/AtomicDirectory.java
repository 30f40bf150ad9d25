package dev.fovea.core.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Replaces a directory of files all at once, so that a crash, a full disk or an exception during a
 * save never leaves a half-written checkpoint where a good one was.
 *
 * <p><b>Protocol</b> for {@code replace(dir, ...)}, with a fresh random token {@code T}:
 * <ol>
 *   <li>clean up after an earlier interrupted save of {@code dir} ({@link #recover});</li>
 *   <li>write every file into the sibling {@code <dir>.tmp-T}, flushing each to the disk
 *       ({@code FileChannel.force}) as it is closed, then sync the directory {@code <dir>.tmp-T};</li>
 *   <li>if {@code dir} exists, rename it to {@code <dir>.old-T};</li>
 *   <li>rename {@code <dir>.tmp-T} to {@code dir} and sync the parent directory;</li>
 *   <li>delete {@code <dir>.old-T}.</li>
 * </ol>
 * Renames are atomic ({@code ATOMIC_MOVE}) within the parent directory.
 *
 * <p><b>What survives a crash.</b> A failure in step 2 (an exception, a full disk) deletes
 * {@code <dir>.tmp-T} and leaves {@code dir} untouched. A crash (power loss, kill -9) before step 3
 * leaves {@code dir} untouched plus a stale {@code .tmp-T}, which the next save deletes. A crash between
 * steps 3 and 4 - the only moment {@code dir} is absent - leaves the previous checkpoint complete in
 * {@code .old-T} and the new one complete (already synced) in {@code .tmp-T}: {@link #resolve}, which
 * the loaders call, then reads the new one, and the next save renames it into place. A crash after
 * step 4 leaves the new checkpoint in place and a stale {@code .old-T}. So a loader always finds either
 * the previous checkpoint or the new one, complete. Concurrent saves of the same directory are not
 * supported. Directory syncs are skipped on platforms that cannot open a directory (Windows).
 */
final class AtomicDirectory {
    private AtomicDirectory() {}

    private static final String TMP = ".tmp-";
    private static final String OLD = ".old-";

    /** Writes the files of a directory being saved. */
    @FunctionalInterface
    interface Contents {
        void writeTo(FileCreator out) throws IOException;
    }

    /** Creates the files of the directory being written; each stream is synced to the disk when closed. */
    interface FileCreator {
        OutputStream create(String fileName) throws IOException;
    }

    /** Opens a file for writing: the seam where tests inject a failing disk. */
    @FunctionalInterface
    interface Sink {
        OutputStream open(Path file) throws IOException;
    }

    /** The real disk: a new file whose stream syncs ({@code force(true)}) before it closes. */
    static final Sink DISK = file -> {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream raw = Channels.newOutputStream(channel);
        return new FilterOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16)) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    out.flush();
                    channel.force(true);
                } finally {
                    channel.close();
                }
            }
        };
    };

    /** Replaces {@code dir} with the files {@code contents} writes, atomically (see the class comment). */
    static void replace(Path dir, Contents contents) throws IOException {
        replace(dir, contents, DISK);
    }

    static void replace(Path dir, Contents contents, Sink sink) throws IOException {
        Objects.requireNonNull(contents, "contents");
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new IllegalArgumentException("cannot save into the root directory " + dir);
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a directory; a checkpoint "
                    + "is a directory - choose another path");
        }
        Files.createDirectories(parent);
        recover(target);
        String token = HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
        Path tmp = parent.resolve(target.getFileName() + TMP + token);
        Path old = parent.resolve(target.getFileName() + OLD + token);
        Files.createDirectory(tmp);
        try {
            List<OutputStream> open = new ArrayList<>();
            try {
                contents.writeTo(name -> {
                    if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".")
                            || name.equals("..")) {
                        throw new IllegalArgumentException("not a plain file name: '" + name + "'");
                    }
                    OutputStream s = sink.open(tmp.resolve(name));
                    open.add(s);
                    return s;
                });
            } catch (IOException | RuntimeException | Error e) {
                try {
                    closeAll(open);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            closeAll(open);
            syncDirectory(tmp);
        } catch (IOException | RuntimeException | Error e) {
            try {
                deleteTree(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        boolean hadOld = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (hadOld) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // put the previous checkpoint back; the new one stays in tmp for the next save to clean up
            if (hadOld) {
                try {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        syncDirectory(parent);
        if (hadOld) {
            try {
                deleteTree(old);
            } catch (IOException e) {
                // harmless: the next save of this directory deletes it
            }
        }
    }

    /** Writes one file's bytes. */
    @FunctionalInterface
    interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Replaces the single file {@code file}: writes {@code <file>.tmp-T} beside it, syncs it, renames it
     * over {@code file} (atomically) and syncs the directory. On failure the temporary file is deleted
     * and {@code file} is untouched.
     */
    static void replaceFile(Path file, StreamWriter writer) throws IOException {
        Path target = file.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(file.toString(), null, "is a directory, not a file");
        }
        Files.createDirectories(parent);
        String token = HexFormat.of().formatHex(longBytes(ThreadLocalRandom.current().nextLong()));
        Path tmp = parent.resolve(target.getFileName() + TMP + token);
        try {
            try (OutputStream out = DISK.open(tmp)) {
                writer.write(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncDirectory(parent);
    }

    /**
     * The directory to read {@code dir}'s checkpoint from: {@code dir} itself, or - only after a crash
     * between the two renames of a save, when {@code dir} is absent - the complete new copy
     * {@code <dir>.tmp-T} (or the previous {@code <dir>.old-T} if that is all there is).
     */
    static Path resolve(Path dir) throws IOException {
        if (Files.exists(dir)) {
            return dir;
        }
        Path interrupted = interruptedSave(dir.toAbsolutePath().normalize());
        return interrupted != null ? interrupted : dir;
    }

    /** After a crash between the renames: the complete checkpoint to put back, else null. */
    private static Path interruptedSave(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return null;
        }
        for (Path old : siblings(target, OLD)) {
            String token = old.getFileName().toString().substring(target.getFileName().toString().length()
                    + OLD.length());
            Path tmp = parent.resolve(target.getFileName() + TMP + token);
            return Files.isDirectory(tmp) ? tmp : old;
        }
        return null;
    }

    /**
     * Finishes or undoes an interrupted save of {@code target}: if {@code target} is missing but a save
     * had moved it aside, the complete checkpoint is renamed into place; then stale {@code .tmp-*} and
     * {@code .old-*} siblings are deleted.
     */
    static void recover(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path complete = interruptedSave(target);
            if (complete != null) {
                Files.move(complete, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
            }
        }
        for (Path stale : siblings(target, TMP)) {
            deleteTree(stale);
        }
        for (Path stale : siblings(target, OLD)) {
            deleteTree(stale);
        }
    }

    /** Siblings named {@code <target name><marker><16 hex digits>}. */
    static List<Path> siblings(Path target, String marker) throws IOException {
        Path parent = target.getParent();
        String prefix = target.getFileName() + marker;
        List<Path> found = new ArrayList<>();
        if (parent == null || !Files.isDirectory(parent)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.substring(prefix.length()).matches("[0-9a-f]{16}")) {
                    found.add(p);
                }
            }
        }
        found.sort(null);
        return found;
    }

    /** Syncs a directory's entries to the disk (a no-op where directories cannot be opened). */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
        for (Path p : paths) {
            try {
                Files.delete(p);
            } catch (NoSuchFileException ignored) {
                // already gone
            }
        }
    }

    private static void closeAll(List<OutputStream> streams) throws IOException {
        IOException first = null;
        for (OutputStream s : streams) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }
}

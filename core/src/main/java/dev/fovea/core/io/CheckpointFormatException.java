package dev.fovea.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file that is not a valid Fovea checkpoint or safetensors file, or does not fit the model it is
 * loaded into. The message starts with the file and says what is wrong:
 * {@code "lenet/model.safetensors: tensor '0.weight' has data_offsets [0, 96] but shape [8, 1, 3, 3]
 * and dtype F32 need 288 bytes"}. Nothing was loaded when it is thrown.
 */
public class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    /** A problem with {@code file}. */
    public CheckpointFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /** A problem with {@code file}, caused by {@code cause}. */
    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}

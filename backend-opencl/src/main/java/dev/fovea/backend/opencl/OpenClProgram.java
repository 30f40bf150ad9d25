package dev.fovea.backend.opencl;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jocl.cl_program;

/**
 * A kernel author's OpenCL C program, built for one device by {@link OpenClBackend#compile}: the
 * handle to pass to {@link OpenClBackend#launch}. Programs are cached per device for the life of the
 * process, keyed by a hash of their source and build options, so compiling the same source again (from
 * every {@code run} of a kernel, from several backends on one device) builds it only once. Immutable
 * and thread-safe.
 */
public final class OpenClProgram {
    final OpenClContext context;
    final cl_program program;
    private final String name;
    private final String hash;
    private final String buildOptions;
    private final String buildLog;
    private final List<String> kernelNames;

    OpenClProgram(OpenClContext context, cl_program program, String name, String hash, String buildOptions,
            String buildLog, String kernelNames) {
        this.context = Objects.requireNonNull(context, "context");
        this.program = Objects.requireNonNull(program, "program");
        this.name = name;
        this.hash = hash;
        this.buildOptions = buildOptions;
        this.buildLog = buildLog;
        this.kernelNames = kernelNames.isBlank() ? List.of()
                : Arrays.stream(kernelNames.split(";")).map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    /** The name it was first compiled under (usually the op's name), used in messages. */
    public String name() {
        return name;
    }

    /** The SHA-256 (hex) of the build options and the source: the cache key. */
    public String sourceHash() {
        return hash;
    }

    /** The options it was built with (the backend's: {@code -D FOVEA_FP64=1} with fp64, and so on). */
    public String buildOptions() {
        return buildOptions;
    }

    /** The compiler's log of the successful build (warnings), possibly empty. */
    public String buildLog() {
        return buildLog;
    }

    /** The {@code __kernel} functions it defines, sorted. */
    public List<String> kernelNames() {
        return kernelNames;
    }

    /** The device it was built for. */
    public OpenClDevice device() {
        return context.device;
    }

    @Override
    public String toString() {
        return "OpenClProgram[" + name + " " + hash.substring(0, 12) + " on " + context.device.name() + ", kernels "
                + kernelNames + "]";
    }
}

package dev.fovea.backend.opencl;

import dev.fovea.api.DType;
import dev.fovea.api.backend.DeviceBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One launch of a kernel author's kernel, from {@link OpenClBackend#launch}: set the arguments in the
 * order of the kernel's parameters, then {@link #run(long)}.
 *
 * <pre>{@code
 * // __kernel void softplus_f32(const long n, __global const float* x, const long xOffset,
 * //                            __global float* y, const float beta)
 * cl.launch(program, "softplus_f32")
 *         .i64(n).buffer(x.buffer()).i64(x.offset()).buffer(output.buffer()).f32((float) beta)
 *         .run(n);
 * }</pre>
 *
 * <p><b>The kernel MUST bounds-check</b> its index ({@code if (get_global_id(0) >= n) return;}):
 * {@link #run(long)} rounds the global size up to a multiple of the work-group size (PoCL and OpenCL
 * 1.2 have no uneven work-groups), so up to a group's worth of extra work-items run, and an
 * out-of-bounds write on PoCL kills the JVM instead of failing.
 *
 * <p>What {@code run} checks before it enqueues, throwing {@link IllegalArgumentException} naming the
 * program and kernel instead of letting the driver crash: the number of arguments; each argument's
 * kind against the kernel's parameter (a buffer for a {@code __global}/{@code __constant} pointer, a
 * {@link #local} size for a {@code __local} one, a scalar of the right width and type otherwise); a
 * buffer's dtype against the pointer's element type ({@code float*} needs FLOAT32, {@code double*}
 * FLOAT64, {@code int*}/{@code uint*} INT32); that no buffer was released; the {@code __local} memory
 * (the arguments' plus the kernel's own) against the device's; the work-group size against the
 * device's and the kernel's maximum. What it cannot check is the indices the kernel computes.
 *
 * <p>A launch is a builder for one thread; the kernel object it sets arguments on is shared, so
 * arguments are set and the kernel enqueued together under the backend's lock at {@code run}.
 */
public final class OpenClLaunch {
    enum Kind {
        BUFFER("a buffer"),
        LOCAL("local memory"),
        I32("an int"),
        I64("a long"),
        F32("a float"),
        F64("a double");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** One argument: its kind and value (a buffer, a local size in bytes, or a boxed scalar). */
    record Arg(Kind kind, Object value) {}

    private final OpenClBackend backend;
    private final OpenClBackend.UserKernel kernel;
    private final List<Arg> args = new ArrayList<>();

    OpenClLaunch(OpenClBackend backend, OpenClBackend.UserKernel kernel) {
        this.backend = backend;
        this.kernel = kernel;
    }

    /**
     * The next argument: a buffer of this backend, for a {@code __global} or {@code __constant} pointer.
     * Views are not arguments: pass the view's {@code offset()} as a separate {@link #i64} and index
     * from it in the kernel.
     *
     * @throws IllegalArgumentException if it is a buffer of another backend or device
     * @throws IllegalStateException if it was released
     */
    public OpenClLaunch buffer(DeviceBuffer buffer) {
        args.add(new Arg(Kind.BUFFER, backend.userBuffer(buffer, kernel.what())));
        return this;
    }

    /** The next argument: an {@code int} (or {@code uint}). */
    public OpenClLaunch i32(int value) {
        args.add(new Arg(Kind.I32, value));
        return this;
    }

    /** The next argument: a {@code long} (or {@code ulong}); element counts and offsets are usually these. */
    public OpenClLaunch i64(long value) {
        args.add(new Arg(Kind.I64, value));
        return this;
    }

    /** The next argument: a {@code float}. */
    public OpenClLaunch f32(float value) {
        args.add(new Arg(Kind.F32, value));
        return this;
    }

    /** The next argument: a {@code double} (the device needs fp64). */
    public OpenClLaunch f64(double value) {
        args.add(new Arg(Kind.F64, value));
        return this;
    }

    /** The next argument: {@code value} as a {@code float} for FLOAT32, a {@code double} for FLOAT64. */
    public OpenClLaunch real(DType type, double value) {
        Objects.requireNonNull(type, "type");
        return switch (type) {
            case FLOAT32 -> f32((float) value);
            case FLOAT64 -> f64(value);
            case INT32 -> throw new IllegalArgumentException(kernel.what() + ": real(...) takes FLOAT32 or FLOAT64, not "
                    + type);
        };
    }

    /** The next argument: {@code bytes} of {@code __local} memory per work-group (checked at {@link #run}). */
    public OpenClLaunch local(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException(kernel.what() + ": local memory must be > 0 bytes, got " + bytes);
        }
        args.add(new Arg(Kind.LOCAL, bytes));
        return this;
    }

    /**
     * Enqueues the kernel over {@code globalSize} work-items in one dimension, in work-groups of the
     * backend's usual size (64, or less where the device or kernel allows less), the global size rounded
     * up to a multiple of it: the kernel must ignore indices {@code >= globalSize}. Nothing is launched
     * for 0. Returns without waiting; the backend's in-order queue runs it after every earlier kernel of
     * this backend and before every later one.
     */
    public void run(long globalSize) {
        backend.runUser(kernel, List.copyOf(args), new long[] {checkGlobal(globalSize)}, null);
    }

    /** {@link #run(long)} with work-groups of {@code localSize} work-items. */
    public void run(long globalSize, long localSize) {
        run(new long[] {globalSize}, new long[] {localSize});
    }

    /**
     * Enqueues over up to three dimensions: {@code globalSizes[d]} is rounded up to a multiple of
     * {@code localSizes[d]} (the kernel must bounds-check every dimension).
     */
    public void run(long[] globalSizes, long[] localSizes) {
        Objects.requireNonNull(globalSizes, "globalSizes");
        Objects.requireNonNull(localSizes, "localSizes");
        if (globalSizes.length < 1 || globalSizes.length > 3 || localSizes.length != globalSizes.length) {
            throw new IllegalArgumentException(kernel.what() + ": give 1 to 3 global sizes and as many local sizes, got "
                    + globalSizes.length + " and " + localSizes.length);
        }
        long[] global = new long[globalSizes.length];
        for (int d = 0; d < global.length; d++) {
            global[d] = checkGlobal(globalSizes[d]);
            if (localSizes[d] <= 0) {
                throw new IllegalArgumentException(kernel.what() + ": local sizes must be > 0, got " + localSizes[d]);
            }
        }
        backend.runUser(kernel, List.copyOf(args), global, localSizes.clone());
    }

    private long checkGlobal(long size) {
        if (size < 0) {
            throw new IllegalArgumentException(kernel.what() + ": global size must be >= 0, got " + size);
        }
        return size;
    }

    @Override
    public String toString() {
        return "OpenClLaunch[" + kernel.what() + ", " + args.size() + " arguments]";
    }
}

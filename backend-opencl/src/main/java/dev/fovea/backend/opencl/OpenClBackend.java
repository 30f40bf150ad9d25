package dev.fovea.backend.opencl;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.CounterRandom;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.TransferStats;
import dev.fovea.api.backend.UnaryOp;
import java.nio.Buffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The OpenCL backend on one device: every kernel of the SPI in OpenCL C, run through JOCL.
 *
 * <p>Buffers stay on the device; only {@link #upload} and {@link #download} cross to the host, and
 * {@link #stats()} counts them. Kernels are enqueued on one in-order queue without waiting;
 * downloads block until everything before them has run. Memory comes from a size-bucketed pool
 * under a budget of its own ({@value #MEMORY_LIMIT_PROPERTY}, default the device's global memory);
 * see {@link OpenClMemory}.
 *
 * <p>Elementwise kernels walk strided views of up to {@value StridePlan#MAX_RANK} dims (after merging
 * contiguous dims). FLOAT32 transcendental functions are evaluated in double where the device has
 * fp64, as the CPU backend does; matmul, convolution and pooling sum in the operand precision in the
 * CPU backend's order; {@link #fillRandom} reproduces {@link CounterRandom} bit for bit.
 *
 * <p>Thread-safe: kernel launches are serialised on the backend.
 */
public final class OpenClBackend implements Backend {
    /** System property: the device memory budget in bytes (suffixes k, m, g allowed), e.g. {@code 512m}. */
    public static final String MEMORY_LIMIT_PROPERTY = "fovea.opencl.memoryLimit";
    /**
     * System property: whether buffers are created with {@code CL_MEM_ALLOC_HOST_PTR}. Default: true on CPU
     * devices (PoCL then reports host out-of-memory as a catchable error instead of aborting), false on
     * GPUs (where it would put buffers in slow host memory).
     */
    public static final String ALLOC_HOST_PTR_PROPERTY = "fovea.opencl.allocHostPtr";
    /** Side of the square matmul tile; the tiles need {@code 2 * TILE * TILE} elements of local memory. */
    static final int MATMUL_TILE = 16;
    /** Work-group size of one-dimensional kernels (capped by what the device and kernel allow). */
    static final int LOCAL_SIZE = 64;

    private final OpenClContext cl;
    private final DeviceInfo info;
    private final cl_command_queue queue;
    private final OpenClMemory memory;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Map<String, Long> kernelWorkGroupSizes = new HashMap<>();
    /** Kernel authors' kernel objects on this backend, by program hash and kernel name. */
    private final Map<String, UserKernel> userKernels = new HashMap<>();
    private final Object lock = new Object();
    private long uploads;
    private long uploadBytes;
    private long downloads;
    private long downloadBytes;
    private long kernelLaunches;
    private volatile boolean closed;

    OpenClBackend(OpenClContext cl, DeviceInfo info) {
        this.cl = Objects.requireNonNull(cl, "cl");
        this.info = Objects.requireNonNull(info, "info");
        long budget = memoryBudget(System.getProperty(MEMORY_LIMIT_PROPERTY), cl.device.globalMemoryBytes());
        String hostPtr = System.getProperty(ALLOC_HOST_PTR_PROPERTY);
        boolean allocHostPtr = hostPtr == null ? cl.device.kind() != DeviceKind.GPU : Boolean.parseBoolean(hostPtr);
        long flags = CL.CL_MEM_READ_WRITE | (allocHostPtr ? CL.CL_MEM_ALLOC_HOST_PTR : 0);
        this.memory = new OpenClMemory(cl.context, flags, budget, cl.device.maxAllocationBytes(), info.id());
        this.queue = CL.clCreateCommandQueue(cl.context, cl.id, 0, null);
    }

    /** The budget for a property value (bytes, or with a k/m/g suffix), or {@code fallback} when unset. */
    static long memoryBudget(String property, long fallback) {
        if (property == null || property.isBlank()) {
            return fallback;
        }
        String s = property.strip().toLowerCase(Locale.ROOT);
        long unit = 1;
        char last = s.charAt(s.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long value = Math.multiplyExact(Long.parseLong(s.strip()), unit);
            if (value <= 0) {
                throw new NumberFormatException("not positive");
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("-D" + MEMORY_LIMIT_PROPERTY + "=" + property
                    + " is not a positive byte count (write e.g. 1073741824, 512m or 2g)", e);
        }
    }

    @Override
    public String name() {
        return OpenClBackendProvider.NAME;
    }

    @Override
    public DeviceInfo device() {
        return info;
    }

    /** What OpenCL reports about the device, beyond {@link #device()}. */
    public OpenClDevice openClDevice() {
        return cl.device;
    }

    OpenClMemory memory() {
        return memory;
    }

    /** Memory and traffic counters of this backend. */
    public OpenClStats stats() {
        synchronized (lock) {
            return new OpenClStats(memory.bytesInUse(), memory.pooledBytes(), memory.budget(), memory.buffersCreated(),
                    memory.buffersReused(), memory.buffersReleased(), uploads, uploadBytes, downloads, downloadBytes,
                    kernelLaunches);
        }
    }

    /** The SPI's view of {@link #stats()}: transfers since the backend opened, bytes in use and pooled. */
    @Override
    public Optional<TransferStats> transferStats() {
        OpenClStats s = stats();
        return Optional.of(new TransferStats(s.uploads(), s.uploadBytes(), s.downloads(), s.downloadBytes(),
                s.bytesInUse(), s.pooledBytes()));
    }

    /** Gives the pooled (closed) buffers' memory back to OpenCL; returns the bytes freed. */
    public long trimPool() {
        return memory.trim();
    }

    /** Waits until every enqueued kernel has run. */
    public void finish() {
        synchronized (lock) {
            checkOpen("finish");
            CL.clFinish(queue);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                CL.clFinish(queue);
            } finally {
                memory.close();
                kernels.values().forEach(CL::clReleaseKernel);
                kernels.clear();
                userKernels.values().forEach(k -> CL.clReleaseKernel(k.kernel));
                userKernels.clear();
                CL.clReleaseCommandQueue(queue);
            }
        }
    }

    @Override
    public String toString() {
        return "OpenClBackend[" + info.id() + " " + info.name() + "]";
    }

    // ---- custom kernels (the public kernel-author API) -------------------------------------------

    /**
     * The backend a {@link dev.fovea.api.backend.KernelProvider} for {@code "opencl"} was handed, as an
     * {@code OpenClBackend}: the entry point of the kernel-author API below.
     *
     * <pre>{@code
     * public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
     *     OpenClBackend cl = OpenClBackend.of(backend, op());
     *     OpenClProgram program = cl.compile(op(), SOURCE);            // built once per device, then cached
     *     StridedView x = inputs.get(0);
     *     long n = output.shape().numel();
     *     cl.launch(program, "softplus_f32")                           // __kernel void softplus_f32(...)
     *             .i64(n).buffer(x.buffer()).i64(x.offset()).buffer(output.buffer()).f32(beta)
     *             .run(n);                                             // the kernel must check get_global_id(0) < n
     * }
     * }</pre>
     *
     * @param op the op's name, for the message
     * @throws IllegalArgumentException if {@code backend} is not an OpenCL backend
     */
    public static OpenClBackend of(Backend backend, String op) {
        Objects.requireNonNull(backend, "backend");
        if (!(backend instanceof OpenClBackend cl)) {
            throw new IllegalArgumentException("op '" + op + "': " + backend + " (backend '" + backend.name()
                    + "', " + backend.getClass().getName() + ") is not the OpenCL backend; register this kernel with "
                    + "backend() \"" + OpenClBackendProvider.NAME + "\" only");
        }
        return cl;
    }

    /**
     * The OpenCL backend that owns {@code buffer}, or empty for another backend's buffer: lets a
     * kernel's {@code supports(...)}, which gets no backend, ask {@link #supportsFloat64()}.
     */
    public static Optional<OpenClBackend> ownerOf(DeviceBuffer buffer) {
        return buffer instanceof OpenClBuffer ob ? Optional.of(ob.owner()) : Optional.empty();
    }

    /** Whether the device has {@code cl_khr_fp64}: FLOAT64 buffers exist everywhere, double kernels only here. */
    public boolean supportsFloat64() {
        return cl.fp64;
    }

    /**
     * Builds a kernel author's OpenCL C program for this backend's device, or returns the one built
     * before from the same source: programs are cached per device for the life of the process by a
     * hash of source and build options, so calling this on every {@code run} costs a hash.
     *
     * <p>The source is compiled with the backend's own options ({@code -D FOVEA_FP64=1} where the
     * device has fp64, {@code -cl-fp32-correctly-rounded-divide-sqrt} where it supports that) plus
     * {@code -cl-kernel-arg-info}, after a prelude that turns off floating-point contraction
     * ({@code #pragma OPENCL FP_CONTRACT OFF}, as the backend's kernels do, so results round like
     * Java's) and, with fp64, enables {@code cl_khr_fp64}. Put double-precision kernels inside
     * {@code #ifdef FOVEA_FP64}. Line numbers in the build log are the source's.
     *
     * @param name the program's name for messages and the cache's first entry, usually the op's name
     * @throws IllegalArgumentException if it does not build, with the compiler's log (the failure is
     *     cached: the same source fails again at once)
     */
    public OpenClProgram compile(String name, String source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        checkOpen("compile '" + name + "'");
        return cl.userProgram(name, source);
    }

    /**
     * Starts a launch of {@code kernel} from {@code program}: set its arguments on the returned
     * {@link OpenClLaunch}, then {@link OpenClLaunch#run(long) run} it. The kernel object is created
     * once per backend and released when the backend closes.
     *
     * @throws IllegalArgumentException if the program was built for another device or does not define
     *     {@code kernel} (the message lists those it does)
     */
    public OpenClLaunch launch(OpenClProgram program, String kernel) {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(kernel, "kernel");
        if (program.context != cl) {
            throw new IllegalArgumentException("OpenCL program '" + program.name() + "' was built for "
                    + program.device().name() + ", not for " + info.id() + " (" + cl.device.name()
                    + "); compile it with this backend");
        }
        synchronized (lock) {
            checkOpen("launch " + kernel);
            String key = program.sourceHash() + "\u0000" + kernel;
            UserKernel k = userKernels.get(key);
            if (k == null) {
                k = UserKernel.create(this, program, kernel);
                userKernels.put(key, k);
            }
            return new OpenClLaunch(this, k);
        }
    }

    /**
     * The {@code cl_mem} behind a buffer of this backend, for kernel authors who enqueue with JOCL
     * themselves (they need JOCL at compile time; {@link #launch} does not). Elements are of the
     * buffer's dtype from byte 0; a view's {@code offset()} counts elements from there.
     *
     * @param op the op's name, for the message
     * @throws IllegalArgumentException if it is a buffer of another backend or device
     * @throws IllegalStateException if it was released (as {@code CpuArrays} does)
     */
    public cl_mem memory(DeviceBuffer buffer, String op) {
        return userBuffer(buffer, "op '" + op + "'").mem();
    }

    /**
     * This backend's in-order command queue, for kernel authors who enqueue with JOCL themselves: work
     * enqueued on it runs after every kernel the backend enqueued before and before every later one.
     * Enqueue only; never finish-and-release, and use your own {@code cl_kernel} objects (the backend's
     * are not thread-safe to set arguments on). Such launches are not counted in {@link #stats()}.
     */
    public org.jocl.cl_command_queue commandQueue() {
        checkOpen("commandQueue");
        return queue;
    }

    OpenClBuffer userBuffer(DeviceBuffer buffer, String what) {
        Objects.requireNonNull(buffer, () -> what + ": buffer is null");
        if (!(buffer instanceof OpenClBuffer ob) || ob.owner() != this) {
            throw new IllegalArgumentException(what + ": " + buffer + " is not a buffer of this OpenCL backend ("
                    + info.id() + " " + info.name() + ")"
                    + (buffer instanceof OpenClBuffer ? " but of another OpenCL backend" : "")
                    + "; pass only the buffers of the inputs and output the kernel was given");
        }
        if (ob.isReleased()) {
            throw new IllegalStateException(what + ": " + buffer + " was released");
        }
        return ob;
    }

    /** Checks and enqueues a kernel author's launch (see {@link OpenClLaunch}). */
    void runUser(UserKernel k, List<OpenClLaunch.Arg> args, long[] global, long[] requestedLocal) {
        String what = k.what();
        synchronized (lock) {
            checkOpen(what);
            if (args.size() != k.numArgs) {
                throw new IllegalArgumentException(what + " takes " + k.numArgs + " arguments " + k.signature()
                        + ", but the launch set " + args.size());
            }
            long localBytes = 0;
            for (int i = 0; i < args.size(); i++) {
                OpenClLaunch.Arg a = args.get(i);
                k.check(i, a);
                if (a.kind() == OpenClLaunch.Kind.LOCAL) {
                    localBytes += (Long) a.value();
                } else if (a.kind() == OpenClLaunch.Kind.BUFFER && ((OpenClBuffer) a.value()).isReleased()) {
                    throw new IllegalStateException(what + ": argument " + i + k.param(i) + " is a released buffer ("
                            + a.value() + ")");
                }
            }
            long available = cl.device.localMemoryBytes();
            if (localBytes + k.fixedLocalBytes > available) {
                throw new IllegalArgumentException(what + " needs " + (localBytes + k.fixedLocalBytes)
                        + " bytes of local memory (" + localBytes + " set at launch, " + k.fixedLocalBytes
                        + " declared in the kernel), but " + info.id() + " has " + available
                        + " (CL_DEVICE_LOCAL_MEM_SIZE); running it would abort the JVM on PoCL");
            }
            long allowed = Math.min(cl.device.maxWorkGroupSize(), k.workGroupSize);
            long[] local = requestedLocal != null ? requestedLocal : new long[] {Math.min(LOCAL_SIZE, allowed)};
            long groupSize = 1;
            for (long l : local) {
                groupSize = Math.multiplyExact(groupSize, l);
            }
            if (groupSize > allowed) {
                throw new IllegalArgumentException(what + ": a work-group of " + groupSize + " work-items exceeds the "
                        + allowed + " that " + info.id() + " allows for this kernel");
            }
            long[] rounded = new long[global.length];
            for (int d = 0; d < global.length; d++) {
                if (global[d] == 0) {
                    return;
                }
                rounded[d] = roundUp(global[d], local[d]);
            }
            try {
                for (int i = 0; i < args.size(); i++) {
                    OpenClLaunch.Arg a = args.get(i);
                    switch (a.kind()) {
                        case BUFFER -> CL.clSetKernelArg(k.kernel, i, Sizeof.cl_mem,
                                Pointer.to(((OpenClBuffer) a.value()).mem()));
                        case LOCAL -> CL.clSetKernelArg(k.kernel, i, (Long) a.value(), null);
                        case I32 -> CL.clSetKernelArg(k.kernel, i, Sizeof.cl_int, Pointer.to(new int[] {(Integer) a.value()}));
                        case I64 -> CL.clSetKernelArg(k.kernel, i, Sizeof.cl_long, Pointer.to(new long[] {(Long) a.value()}));
                        case F32 -> CL.clSetKernelArg(k.kernel, i, Sizeof.cl_float,
                                Pointer.to(new float[] {(Float) a.value()}));
                        case F64 -> CL.clSetKernelArg(k.kernel, i, Sizeof.cl_double,
                                Pointer.to(new double[] {(Double) a.value()}));
                    }
                }
                CL.clEnqueueNDRangeKernel(queue, k.kernel, rounded.length, null, rounded, local, 0, null, null);
            } catch (CLException e) {
                throw new IllegalArgumentException(what + ": OpenCL refused the launch " + k.signature() + ": "
                        + e.getMessage(), e);
            }
            kernelLaunches++;
        }
    }

    /** A kernel author's kernel object on this backend, with what OpenCL says about its parameters. */
    static final class UserKernel {
        final cl_kernel kernel;
        final String program;
        final String name;
        final int numArgs;
        /** Per parameter: address qualifier, type name and name; null when the driver gives no arg info. */
        final int[] qualifiers;
        final String[] typeNames;
        final String[] argNames;
        final long workGroupSize;
        final long fixedLocalBytes;

        private UserKernel(cl_kernel kernel, String program, String name, int numArgs, int[] qualifiers,
                String[] typeNames, String[] argNames, long workGroupSize, long fixedLocalBytes) {
            this.kernel = kernel;
            this.program = program;
            this.name = name;
            this.numArgs = numArgs;
            this.qualifiers = qualifiers;
            this.typeNames = typeNames;
            this.argNames = argNames;
            this.workGroupSize = workGroupSize;
            this.fixedLocalBytes = fixedLocalBytes;
        }

        static UserKernel create(OpenClBackend backend, OpenClProgram program, String name) {
            cl_kernel k;
            try {
                k = CL.clCreateKernel(program.program, name, null);
            } catch (CLException e) {
                throw new IllegalArgumentException("OpenCL program '" + program.name() + "' has no kernel '" + name
                        + "'; it defines " + program.kernelNames(), e);
            }
            try {
                int[] count = new int[1];
                CL.clGetKernelInfo(k, CL.CL_KERNEL_NUM_ARGS, Sizeof.cl_uint, Pointer.to(count), null);
                int n = count[0];
                int[] qualifiers = new int[n];
                String[] types = new String[n];
                String[] names = new String[n];
                try {
                    for (int i = 0; i < n; i++) {
                        int[] q = new int[1];
                        CL.clGetKernelArgInfo(k, i, CL.CL_KERNEL_ARG_ADDRESS_QUALIFIER, Sizeof.cl_uint, Pointer.to(q),
                                null);
                        qualifiers[i] = q[0];
                        types[i] = argInfo(k, i, CL.CL_KERNEL_ARG_TYPE_NAME).replace(" ", "");
                        names[i] = argInfo(k, i, CL.CL_KERNEL_ARG_NAME);
                    }
                } catch (CLException e) {
                    qualifiers = null; // CL_KERNEL_ARG_INFO_NOT_AVAILABLE: only the count and sizes are checked
                    types = null;
                    names = null;
                }
                long[] value = new long[1];
                CL.clGetKernelWorkGroupInfo(k, backend.cl.id, CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                        Pointer.to(value), null);
                long wg = Sizeof.size_t == Sizeof.cl_uint ? value[0] & 0xffff_ffffL : value[0];
                long[] fixed = new long[1];
                CL.clGetKernelWorkGroupInfo(k, backend.cl.id, CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
                        Pointer.to(fixed), null);
                return new UserKernel(k, program.name(), name, n, qualifiers, types, names, wg, fixed[0]);
            } catch (RuntimeException e) {
                CL.clReleaseKernel(k);
                throw e;
            }
        }

        private static String argInfo(cl_kernel k, int index, int param) {
            long[] size = new long[1];
            CL.clGetKernelArgInfo(k, index, param, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            CL.clGetKernelArgInfo(k, index, param, bytes.length, Pointer.to(bytes), null);
            return OpenClContext.cString(bytes);
        }

        String what() {
            return "kernel " + name + " of OpenCL program '" + program + "'";
        }

        /** " (float* x)", or "" without arg info. */
        String param(int i) {
            return typeNames == null ? "" : " (" + typeNames[i] + " " + argNames[i] + ")";
        }

        /** "(long n, float* x, ...)", or "" without arg info. */
        String signature() {
            if (typeNames == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < numArgs; i++) {
                sb.append(i > 0 ? ", " : "").append(typeNames[i]).append(' ').append(argNames[i]);
            }
            return sb.append(')').toString();
        }

        /** Checks argument {@code i} against the kernel's parameter, where the driver described it. */
        void check(int i, OpenClLaunch.Arg a) {
            if (qualifiers == null) {
                return;
            }
            int q = qualifiers[i];
            String type = typeNames[i];
            OpenClLaunch.Kind expected;
            if (q == CL.CL_KERNEL_ARG_ADDRESS_GLOBAL || q == CL.CL_KERNEL_ARG_ADDRESS_CONSTANT) {
                expected = OpenClLaunch.Kind.BUFFER;
            } else if (q == CL.CL_KERNEL_ARG_ADDRESS_LOCAL) {
                expected = OpenClLaunch.Kind.LOCAL;
            } else {
                expected = switch (type) {
                    case "int", "uint" -> OpenClLaunch.Kind.I32;
                    case "long", "ulong" -> OpenClLaunch.Kind.I64;
                    case "float" -> OpenClLaunch.Kind.F32;
                    case "double" -> OpenClLaunch.Kind.F64;
                    default -> null; // other scalars and typedefs: clSetKernelArg checks the size
                };
                if (expected == null && (a.kind() == OpenClLaunch.Kind.BUFFER || a.kind() == OpenClLaunch.Kind.LOCAL)) {
                    throw mismatch(i, "a scalar", a);
                }
            }
            if (expected != null && expected != a.kind()) {
                throw mismatch(i, expected.description, a);
            }
            if (a.kind() == OpenClLaunch.Kind.BUFFER && type.endsWith("*")) {
                DType dtype = ((OpenClBuffer) a.value()).dtype();
                DType wanted = switch (type.substring(0, type.length() - 1)) {
                    case "float" -> DType.FLOAT32;
                    case "double" -> DType.FLOAT64;
                    case "int", "uint" -> DType.INT32;
                    default -> null; // vectors, bytes, structs: the kernel's business
                };
                if (wanted != null && wanted != dtype) {
                    throw new IllegalArgumentException(what() + ": argument " + i + param(i) + " needs a " + wanted
                            + " buffer, got a " + dtype + " one; launch the kernel for " + dtype
                            + " (e.g. a _f64 variant) instead");
                }
            }
        }

        private IllegalArgumentException mismatch(int i, String expected, OpenClLaunch.Arg a) {
            return new IllegalArgumentException(what() + ": argument " + i + param(i) + " needs " + expected
                    + ", but the launch set " + a.kind().description + "; the kernel's parameters are " + signature());
        }
    }

    // ---- memory ---------------------------------------------------------------------------------

    @Override
    public DeviceBuffer allocate(DType type, long elements) {
        Objects.requireNonNull(type, "type");
        checkOpen("allocate");
        if (elements < 0) {
            throw new IllegalArgumentException("allocate: element count must be >= 0, got " + elements);
        }
        String what = elements + " " + type + " elements";
        if (elements > Long.MAX_VALUE / type.byteSize()) {
            throw new IllegalStateException("allocate: " + what + " do not fit in a 64-bit byte count on " + info.id()
                    + " (budget " + memory.budget() + " bytes)");
        }
        long bytes = elements * type.byteSize();
        OpenClMemory.Slot slot = memory.acquire(what, bytes);
        return new OpenClBuffer(this, memory, type, elements, slot);
    }

    @Override
    public void upload(Buffer source, DeviceBuffer target, long targetOffset) {
        Objects.requireNonNull(source, "source");
        OpenClBuffer t = own(target, "upload", "target");
        int n = source.remaining();
        checkRange("upload", t, targetOffset, n);
        checkHostBuffer("upload", source, t.dtype(), "cannot fill a " + t.dtype() + " buffer");
        if (n == 0) {
            return;
        }
        int size = t.dtype().byteSize();
        synchronized (lock) {
            checkOpen("upload");
            CL.clEnqueueWriteBuffer(queue, t.mem(), CL.CL_TRUE, targetOffset * size, (long) n * size,
                    hostPointer(source, n), 0, null, null);
            uploads++;
            uploadBytes += (long) n * size;
        }
    }

    @Override
    public void download(DeviceBuffer source, long sourceOffset, Buffer target) {
        Objects.requireNonNull(target, "target");
        OpenClBuffer s = own(source, "download", "source");
        int n = target.remaining();
        checkRange("download", s, sourceOffset, n);
        checkHostBuffer("download", target, s.dtype(), "cannot receive a " + s.dtype() + " buffer");
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("download: the target " + target.getClass().getSimpleName()
                    + " is read-only");
        }
        if (n == 0) {
            return;
        }
        int size = s.dtype().byteSize();
        boolean staged = !directlyAddressable(target);
        Buffer into = staged ? stagingFor(target, n) : target;
        synchronized (lock) {
            checkOpen("download");
            CL.clEnqueueReadBuffer(queue, s.mem(), CL.CL_TRUE, sourceOffset * size, (long) n * size,
                    hostPointer(into, n), 0, null, null);
            downloads++;
            downloadBytes += (long) n * size;
        }
        if (staged) {
            copyBack(into, target);
        }
    }

    private static void checkHostBuffer(String kernel, Buffer host, DType type, String problem) {
        boolean ok = switch (type) {
            case FLOAT32 -> host instanceof FloatBuffer;
            case FLOAT64 -> host instanceof DoubleBuffer;
            case INT32 -> host instanceof IntBuffer;
        };
        if (!ok) {
            throw new IllegalArgumentException(kernel + ": a " + host.getClass().getSimpleName() + " " + problem
                    + "; use a FloatBuffer, DoubleBuffer or IntBuffer to match");
        }
    }

    private static void checkRange(String kernel, OpenClBuffer b, long offset, int n) {
        if (offset < 0 || offset + n > b.elements()) {
            throw new IllegalArgumentException(kernel + ": elements [" + offset + ", " + (offset + n)
                    + ") are outside the buffer of " + b.elements() + " " + b.dtype() + " elements");
        }
    }

    /** Whether JOCL can point at the buffer's elements in place (a heap array, or direct in native order). */
    private static boolean directlyAddressable(Buffer b) {
        if (b.hasArray()) {
            return true;
        }
        if (!b.isDirect()) {
            return false;
        }
        ByteOrder order = b instanceof FloatBuffer f ? f.order() : b instanceof DoubleBuffer d ? d.order()
                : ((IntBuffer) b).order();
        return order == ByteOrder.nativeOrder();
    }

    /** A pointer to the {@code n} elements from the buffer's position (copying when JOCL cannot see them in place). */
    private static Pointer hostPointer(Buffer b, int n) {
        if (b.hasArray()) {
            int first = b.arrayOffset() + b.position();
            if (b instanceof FloatBuffer f) {
                return Pointer.to(f.array()).withByteOffset((long) first * Sizeof.cl_float);
            }
            if (b instanceof DoubleBuffer d) {
                return Pointer.to(d.array()).withByteOffset((long) first * Sizeof.cl_double);
            }
            return Pointer.to(((IntBuffer) b).array()).withByteOffset((long) first * Sizeof.cl_int);
        }
        if (directlyAddressable(b)) {
            if (b instanceof FloatBuffer f) {
                return Pointer.to(f.slice());
            }
            if (b instanceof DoubleBuffer d) {
                return Pointer.to(d.slice());
            }
            return Pointer.to(((IntBuffer) b).slice());
        }
        // Read-only heap buffers and direct buffers in foreign byte order: copy out.
        if (b instanceof FloatBuffer f) {
            float[] copy = new float[n];
            f.duplicate().get(copy);
            return Pointer.to(copy);
        }
        if (b instanceof DoubleBuffer d) {
            double[] copy = new double[n];
            d.duplicate().get(copy);
            return Pointer.to(copy);
        }
        int[] copy = new int[n];
        ((IntBuffer) b).duplicate().get(copy);
        return Pointer.to(copy);
    }

    private static Buffer stagingFor(Buffer target, int n) {
        if (target instanceof FloatBuffer) {
            return FloatBuffer.allocate(n);
        }
        if (target instanceof DoubleBuffer) {
            return DoubleBuffer.allocate(n);
        }
        return IntBuffer.allocate(n);
    }

    private static void copyBack(Buffer staged, Buffer target) {
        if (target instanceof FloatBuffer f) {
            f.duplicate().put((FloatBuffer) staged);
        } else if (target instanceof DoubleBuffer d) {
            d.duplicate().put((DoubleBuffer) staged);
        } else {
            ((IntBuffer) target).duplicate().put((IntBuffer) staged);
        }
    }

    // ---- elementwise ----------------------------------------------------------------------------

    @Override
    public void fill(StridedView out, double value) {
        OpenClBuffer o = own(out, "fill", "out");
        supported("fill", o.dtype());
        StridePlan p = StridePlan.of("fill", out.shape().dims(), out.strides());
        if (p.count == 0) {
            return;
        }
        Launch l = launch("fill_" + sfx(o.dtype())).i64(p.count).i32(p.rank).long8(p.shape).mem(o).i64(out.offset())
                .long8(p.strides[0]);
        switch (o.dtype()) {
            case FLOAT32 -> l.f32((float) value);
            case FLOAT64 -> l.f64(value);
            case INT32 -> l.i32((int) value);
        }
        l.run1d(p.count);
    }

    @Override
    public void unary(UnaryOp op, StridedView x, StridedView out) {
        Objects.requireNonNull(op, "op");
        String kernel = "unary " + op;
        OpenClBuffer xb = own(x, kernel, "x");
        OpenClBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, x);
        if (op != UnaryOp.IDENTITY) {
            floatOperands(kernel, out, x);
        }
        supported(kernel, xb.dtype());
        supported(kernel, ob.dtype());
        StridePlan p = StridePlan.of(kernel, out.shape().dims(), x.strides(), out.strides());
        if (p.count == 0) {
            return;
        }
        if (op == UnaryOp.IDENTITY) {
            launch("convert_" + sfx(xb.dtype()) + "_" + sfx(ob.dtype())).i64(p.count).i32(p.rank).long8(p.shape)
                    .mem(xb).i64(x.offset()).long8(p.strides[0]).mem(ob).i64(out.offset()).long8(p.strides[1])
                    .run1d(p.count);
            return;
        }
        launch("unary_" + sfx(ob.dtype())).i32(unaryCode(op)).i64(p.count).i32(p.rank).long8(p.shape).mem(xb)
                .i64(x.offset()).long8(p.strides[0]).mem(ob).i64(out.offset()).long8(p.strides[1]).run1d(p.count);
    }

    @Override
    public void binary(BinaryOp op, StridedView a, StridedView b, StridedView out) {
        Objects.requireNonNull(op, "op");
        String kernel = "binary " + op;
        OpenClBuffer ab = own(a, kernel, "a");
        OpenClBuffer bb = own(b, kernel, "b");
        OpenClBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, a, b);
        floatOperands(kernel, out, a, b);
        supported(kernel, ob.dtype());
        StridePlan p = StridePlan.of(kernel, out.shape().dims(), a.strides(), b.strides(), out.strides());
        if (p.count == 0) {
            return;
        }
        launch("binary_" + sfx(ob.dtype())).i32(binaryCode(op)).i64(p.count).i32(p.rank).long8(p.shape).mem(ab)
                .i64(a.offset()).long8(p.strides[0]).mem(bb).i64(b.offset()).long8(p.strides[1]).mem(ob)
                .i64(out.offset()).long8(p.strides[2]).run1d(p.count);
    }

    @Override
    public void where(StridedView cond, StridedView a, StridedView b, StridedView out) {
        String kernel = "where";
        OpenClBuffer cb = own(cond, kernel, "cond");
        OpenClBuffer ab = own(a, kernel, "a");
        OpenClBuffer bb = own(b, kernel, "b");
        OpenClBuffer ob = own(out, kernel, "out");
        sameShape(kernel, out, cond, a, b);
        if (ab.dtype() != ob.dtype() || bb.dtype() != ob.dtype()) {
            throw new IllegalArgumentException(kernel + ": a, b and out must share a dtype, got " + ab.dtype() + ", "
                    + bb.dtype() + " and " + ob.dtype());
        }
        supported(kernel, cb.dtype());
        supported(kernel, ob.dtype());
        StridePlan p = StridePlan.of(kernel, out.shape().dims(), cond.strides(), a.strides(), b.strides(),
                out.strides());
        if (p.count == 0) {
            return;
        }
        launch("where_" + sfx(cb.dtype()) + "_" + sfx(ob.dtype())).i64(p.count).i32(p.rank).long8(p.shape).mem(cb)
                .i64(cond.offset()).long8(p.strides[0]).mem(ab).i64(a.offset()).long8(p.strides[1]).mem(bb)
                .i64(b.offset()).long8(p.strides[2]).mem(ob).i64(out.offset()).long8(p.strides[3]).run1d(p.count);
    }

    static int unaryCode(UnaryOp op) {
        return switch (op) {
            case IDENTITY -> 0;
            case NEG -> 1;
            case ABS -> 2;
            case SIGN -> 3;
            case EXP -> 4;
            case LOG -> 5;
            case SQRT -> 6;
            case RECIPROCAL -> 7;
            case SQUARE -> 8;
            case RELU -> 9;
            case SIGMOID -> 10;
            case TANH -> 11;
            case SIN -> 12;
            case COS -> 13;
            case ERF -> 14;
        };
    }

    static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case POW -> 4;
            case MAXIMUM -> 5;
            case MINIMUM -> 6;
            case EQ -> 7;
            case NE -> 8;
            case LT -> 9;
            case LE -> 10;
            case GT -> 11;
            case GE -> 12;
            case RELU_BACKWARD -> 13;
        };
    }

    // ---- reductions -----------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, StridedView x, int[] axes, StridedView out) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(axes, "axes");
        String kernel = "reduce " + op;
        OpenClBuffer xb = own(x, kernel, "x");
        OpenClBuffer ob = own(out, kernel, "out");
        floatOperands(kernel, out, x);
        supported(kernel, ob.dtype());
        int rank = x.rank();
        boolean[] reduced = new boolean[rank];
        for (int axis : axes) {
            reduced[x.shape().normalizeAxis(axis)] = true;
        }
        int[] outDims = x.shape().dims();
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                outDims[d] = 1;
            }
        }
        Shape expected = Shape.of(outDims);
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException(kernel + ": reducing x " + x.shape() + " over axes "
                    + Arrays.toString(axes) + " gives " + expected + ", but out is " + out.shape());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        if (x.shape().numel() == 0 && op != ReduceOp.SUM) {
            throw new IllegalArgumentException(kernel + ": cannot take the " + op + " of zero elements (x "
                    + x.shape() + ", axes " + Arrays.toString(axes) + ")");
        }
        int[] keptDims = new int[rank];
        int[] reducedDims = new int[rank];
        for (int d = 0; d < rank; d++) {
            keptDims[d] = reduced[d] ? 1 : x.shape().dim(d);
            reducedDims[d] = reduced[d] ? x.shape().dim(d) : 1;
        }
        StridePlan kept = StridePlan.of(kernel, keptDims, x.strides(), out.strides());
        StridePlan walk = StridePlan.of(kernel, reducedDims, x.strides());
        int code = switch (op) {
            case SUM -> 0;
            case MAX -> 1;
            case MIN -> 2;
        };
        launch("reduce_" + sfx(ob.dtype())).i32(code).i64(kept.count).i32(kept.rank).long8(kept.shape)
                .long8(kept.strides[0]).long8(kept.strides[1]).i32(walk.rank).long8(walk.shape).long8(walk.strides[0])
                .i64(walk.count).mem(xb).i64(x.offset()).mem(ob).i64(out.offset()).run1d(kept.count);
    }

    @Override
    public void argmax(StridedView x, int axis, StridedView out) {
        String kernel = "argmax";
        OpenClBuffer xb = own(x, kernel, "x");
        OpenClBuffer ob = own(out, kernel, "out");
        if (ob.dtype() != DType.INT32) {
            throw new IllegalArgumentException(kernel + ": out must be INT32, got " + ob.dtype());
        }
        supported(kernel, xb.dtype());
        int a = x.shape().normalizeAxis(axis);
        Shape expected = x.shape().withDim(a, 1);
        if (!out.shape().equals(expected)) {
            throw new IllegalArgumentException(kernel + ": x " + x.shape() + " along axis " + axis + " needs out "
                    + expected + ", got " + out.shape());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        int length = x.shape().dim(a);
        if (length == 0) {
            throw new IllegalArgumentException(kernel + ": x " + x.shape() + " has no elements along axis " + axis);
        }
        StridePlan p = StridePlan.of(kernel, out.shape().dims(), x.strides(), out.strides());
        launch("argmax_" + sfx(xb.dtype())).i64(p.count).i32(p.rank).long8(p.shape).long8(p.strides[0])
                .long8(p.strides[1]).i32(length).i64(x.stride(a)).mem(xb).i64(x.offset()).mem(ob).i64(out.offset())
                .run1d(p.count);
    }

    // ---- matmul ---------------------------------------------------------------------------------

    @Override
    public void matmul(StridedView a, StridedView b, StridedView out) {
        int tile = MATMUL_TILE;
        if (out.dtype().isFloatingPoint() && (out.dtype() != DType.FLOAT64 || cl.fp64)) {
            synchronized (lock) {
                checkOpen("matmul");
                // Devices whose work-groups cannot hold 16 x 16 work-items get a smaller tile.
                long allowed = Math.min(cl.device.maxWorkGroupSize(), kernelWorkGroupSize("matmul16_" + sfx(out.dtype())));
                while (tile > 1 && (long) tile * tile > allowed) {
                    tile /= 2;
                }
            }
        }
        matmul(a, b, out, tile);
    }

    /**
     * {@link #matmul(StridedView, StridedView, StridedView)} with {@code tile x tile} work-groups. The tiles'
     * local memory and the work-group size are checked against the device before the launch: exceeding
     * either aborts the process on PoCL instead of failing.
     */
    void matmul(StridedView a, StridedView b, StridedView out, int tile) {
        String kernel = "matmul";
        OpenClBuffer ab = own(a, kernel, "a");
        OpenClBuffer bb = own(b, kernel, "b");
        OpenClBuffer ob = own(out, kernel, "out");
        floatOperands(kernel, out, a, b);
        supported(kernel, ob.dtype());
        if (a.rank() != 3 || b.rank() != 3 || out.rank() != 3) {
            throw new IllegalArgumentException(kernel + ": operands must be [B, M, K] @ [B, K, N] -> [B, M, N], got "
                    + a.shape() + " @ " + b.shape() + " -> " + out.shape());
        }
        int batch = out.shape().dim(0);
        int m = out.shape().dim(1);
        int n = out.shape().dim(2);
        int k = a.shape().dim(2);
        if (a.shape().dim(0) != batch || b.shape().dim(0) != batch || a.shape().dim(1) != m
                || b.shape().dim(1) != k || b.shape().dim(2) != n) {
            throw new IllegalArgumentException(kernel + ": shapes do not agree: " + a.shape() + " @ " + b.shape()
                    + " -> " + out.shape() + " (expected [B, M, K] @ [B, K, N] -> [B, M, N])");
        }
        // The default tile has its own kernel with the tile fixed at compile time (static __local arrays);
        // other tiles use the kernel whose tile and __local arrays are set at launch.
        boolean fixed = tile == MATMUL_TILE;
        String name = (fixed ? "matmul16_" : "matmul_") + sfx(ob.dtype());
        long localBytes = fixed ? 0 : 2L * tile * tile * ob.dtype().byteSize();
        synchronized (lock) {
            checkOpen(kernel);
            cl_kernel kern = kernel(name);
            checkLocalMemory(kernel, kern, localBytes, "two " + tile + "x" + tile + " tiles of " + ob.dtype());
            checkWorkGroup(kernel, name, (long) tile * tile);
        }
        if (out.shape().numel() == 0) {
            return;
        }
        Launch l = launch(name).i32(m).i32(n).i32(k);
        if (!fixed) {
            l.i32(tile);
        }
        l.mem(ab).i64(a.offset()).i64(a.stride(0)).i64(a.stride(1)).i64(a.stride(2)).mem(bb).i64(b.offset())
                .i64(b.stride(0)).i64(b.stride(1)).i64(b.stride(2)).mem(ob).i64(out.offset()).i64(out.stride(0))
                .i64(out.stride(1)).i64(out.stride(2));
        if (!fixed) {
            l.local(localBytes / 2).local(localBytes / 2);
        }
        l.run(new long[] {roundUp(n, tile), roundUp(m, tile), batch}, new long[] {tile, tile, 1});
    }

    /** Throws instead of launching when {@code dynamicBytes} of __local memory (plus the kernel's own) exceed the device's. */
    private void checkLocalMemory(String kernel, cl_kernel kern, long dynamicBytes, String what) {
        long[] fixed = new long[1];
        CL.clGetKernelWorkGroupInfo(kern, cl.id, CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(fixed), null);
        long available = cl.device.localMemoryBytes();
        if (dynamicBytes + fixed[0] > available) {
            throw new IllegalArgumentException(kernel + ": " + what + " need " + (dynamicBytes + fixed[0])
                    + " bytes of local memory, but " + info.id() + " has " + available
                    + " (CL_DEVICE_LOCAL_MEM_SIZE); use a smaller tile");
        }
    }

    private void checkWorkGroup(String kernel, String name, long size) {
        long allowed = Math.min(cl.device.maxWorkGroupSize(), kernelWorkGroupSize(name));
        if (size > allowed) {
            throw new IllegalArgumentException(kernel + ": a work-group of " + size + " work-items exceeds the "
                    + allowed + " that " + info.id() + " allows for " + name + "; use a smaller tile");
        }
    }

    // ---- convolution ----------------------------------------------------------------------------

    /** Conv geometry as the kernels' int16: N, C, H, W, COUT, KH, KW, OH, OW, strides, pads, dilations, groups. */
    private static int[] convGeometry(String kernel, Shape x, Shape w, Shape out, ConvSpec spec) {
        Objects.requireNonNull(spec, "spec").checkShapes(kernel, x, w, out);
        int n = x.dim(0);
        int c = x.dim(1);
        int cout = w.dim(0);
        int oh = out.dim(2);
        int ow = out.dim(3);
        return new int[] {n, c, x.dim(2), x.dim(3), cout, w.dim(2), w.dim(3), oh, ow, spec.strideH(), spec.strideW(),
            spec.padTop(), spec.padLeft(), spec.dilationH(), spec.dilationW(), spec.groups()};
    }

    @Override
    public void conv2d(StridedView x, StridedView w, StridedView bias, StridedView out, ConvSpec spec) {
        String kernel = "conv2d";
        own(x, kernel, "x");
        own(w, kernel, "w");
        own(out, kernel, "out");
        if (bias != null) {
            own(bias, kernel, "bias");
            floatOperands(kernel, out, x, w, bias);
        } else {
            floatOperands(kernel, out, x, w);
        }
        supported(kernel, out.dtype());
        int[] g = convGeometry(kernel, x.shape(), w.shape(), out.shape(), spec);
        if (bias != null && !bias.shape().equals(Shape.of(g[4]))) {
            throw new IllegalArgumentException(kernel + ": bias must be [" + g[4] + "], got " + bias.shape());
        }
        if (out.shape().numel() == 0) {
            return;
        }
        try (Dense dx = dense(x); Dense dw = dense(w); Dense db = bias == null ? null : dense(bias);
                Dense dy = denseOut(out)) {
            launch("conv2d_" + sfx(out.dtype())).int16(g).i32(bias == null ? 0 : 1).mem(dx.mem).i64(dx.offset)
                    .mem(dw.mem).i64(dw.offset).mem(db == null ? dx.mem : db.mem).i64(db == null ? 0 : db.offset)
                    .mem(dy.mem).i64(dy.offset).run1d(out.shape().numel());
            dy.writeBack();
        }
    }

    @Override
    public void conv2dBackwardData(StridedView gradOut, StridedView w, StridedView gradInput, ConvSpec spec) {
        String kernel = "conv2dBackwardData";
        own(gradOut, kernel, "gradOut");
        own(w, kernel, "w");
        own(gradInput, kernel, "gradInput");
        floatOperands(kernel, gradInput, gradOut, w);
        supported(kernel, gradInput.dtype());
        int[] g = convGeometry(kernel, gradInput.shape(), w.shape(), gradOut.shape(), spec);
        if (gradInput.shape().numel() == 0) {
            return;
        }
        try (Dense dg = dense(gradOut); Dense dw = dense(w); Dense dx = denseOut(gradInput)) {
            launch("conv2d_backward_data_" + sfx(gradInput.dtype())).int16(g).mem(dg.mem).i64(dg.offset).mem(dw.mem)
                    .i64(dw.offset).mem(dx.mem).i64(dx.offset).run1d(gradInput.shape().numel());
            dx.writeBack();
        }
    }

    @Override
    public void conv2dBackwardWeights(StridedView x, StridedView gradOut, StridedView gradWeight, ConvSpec spec) {
        String kernel = "conv2dBackwardWeights";
        own(x, kernel, "x");
        own(gradOut, kernel, "gradOut");
        own(gradWeight, kernel, "gradWeight");
        floatOperands(kernel, gradWeight, x, gradOut);
        supported(kernel, gradWeight.dtype());
        int[] g = convGeometry(kernel, x.shape(), gradWeight.shape(), gradOut.shape(), spec);
        if (gradWeight.shape().numel() == 0) {
            return;
        }
        try (Dense dx = dense(x); Dense dg = dense(gradOut); Dense dw = denseOut(gradWeight)) {
            launch("conv2d_backward_weights_" + sfx(gradWeight.dtype())).int16(g).mem(dx.mem).i64(dx.offset)
                    .mem(dg.mem).i64(dg.offset).mem(dw.mem).i64(dw.offset).run1d(gradWeight.shape().numel());
            dw.writeBack();
        }
    }

    // ---- pooling --------------------------------------------------------------------------------

    private static int[] poolGeometry(String kernel, Shape x, Shape out, PoolSpec spec, boolean max) {
        Objects.requireNonNull(spec, "spec").checkShapes(kernel, x, out);
        int oh = out.dim(2);
        int ow = out.dim(3);
        return new int[] {x.dim(0) * x.dim(1), x.dim(2), x.dim(3), oh, ow, spec.kernelH(), spec.kernelW(),
            spec.strideH(), spec.strideW(), spec.padH(), spec.padW(), spec.countIncludePad() ? 1 : 0, max ? 1 : 0,
            0, 0, 0};
    }

    @Override
    public void pool2d(PoolOp op, StridedView x, StridedView out, PoolSpec spec) {
        Objects.requireNonNull(op, "op");
        String kernel = "pool2d " + op;
        own(x, kernel, "x");
        own(out, kernel, "out");
        floatOperands(kernel, out, x);
        supported(kernel, out.dtype());
        int[] g = poolGeometry(kernel, x.shape(), out.shape(), spec, op == PoolOp.MAX);
        if (out.shape().numel() == 0) {
            return;
        }
        try (Dense dx = dense(x); Dense dy = denseOut(out)) {
            launch("pool2d_" + sfx(out.dtype())).int16(g).mem(dx.mem).i64(dx.offset).mem(dy.mem).i64(dy.offset)
                    .run1d(out.shape().numel());
            dy.writeBack();
        }
    }

    @Override
    public void pool2dBackward(PoolOp op, StridedView x, StridedView gradOut, StridedView gradInput, PoolSpec spec) {
        Objects.requireNonNull(op, "op");
        String kernel = "pool2dBackward " + op;
        own(x, kernel, "x");
        own(gradOut, kernel, "gradOut");
        own(gradInput, kernel, "gradInput");
        floatOperands(kernel, gradInput, x, gradOut);
        supported(kernel, gradInput.dtype());
        sameShape(kernel, x, gradInput);
        int[] g = poolGeometry(kernel, x.shape(), gradOut.shape(), spec, op == PoolOp.MAX);
        if (gradInput.shape().numel() == 0) {
            return;
        }
        try (Dense dx = dense(x); Dense dg = dense(gradOut); Dense dgi = denseOut(gradInput)) {
            launch("pool2d_backward_" + sfx(gradInput.dtype())).int16(g).mem(dx.mem).i64(dx.offset).mem(dg.mem)
                    .i64(dg.offset).mem(dgi.mem).i64(dgi.offset).run1d(gradInput.shape().numel());
            dgi.writeBack();
        }
    }

    // ---- random numbers -------------------------------------------------------------------------

    @Override
    public void fillRandom(RandomSpec distribution, long seed, long counter, StridedView out) {
        Objects.requireNonNull(distribution, "distribution");
        String kernel = "fillRandom";
        OpenClBuffer ob = own(out, kernel, "out");
        if (!ob.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(kernel + ": out must be FLOAT32 or FLOAT64, got " + ob.dtype());
        }
        supported(kernel, ob.dtype());
        if (!out.isContiguous()) {
            throw new IllegalArgumentException(kernel + ": out must be contiguous, got " + out);
        }
        long n = out.shape().numel();
        if (n == 0) {
            return;
        }
        boolean uniform = distribution.kind() == RandomSpec.Kind.UNIFORM;
        if (ob.dtype() == DType.FLOAT32 && uniform) {
            launch("random_uniform_f32").i64(n).i64(seed).i64(counter).f32((float) distribution.a())
                    .f32((float) distribution.b()).mem(ob).i64(out.offset()).run1d(n);
        } else if (cl.fp64) {
            launch("random_" + (uniform ? "uniform_" : "normal_") + sfx(ob.dtype())).i64(n).i64(seed).i64(counter)
                    .f64(distribution.a()).f64(distribution.b()).mem(ob).i64(out.offset()).run1d(n);
        } else {
            // No fp64 on the device: the normal draws need double precision to match CounterRandom bit for
            // bit, so they are made on the host and uploaded (the one case where fillRandom transfers).
            float[] values = new float[Math.toIntExact(n)];
            int[] words = new int[4];
            for (int i = 0; i < values.length; i++) {
                CounterRandom.philox(seed, counter + i, words);
                values[i] = CounterRandom.sampleFloat(distribution, words);
            }
            upload(FloatBuffer.wrap(values), ob, out.offset());
        }
    }

    // ---- kernels --------------------------------------------------------------------------------

    private cl_kernel kernel(String name) {
        cl_kernel k = kernels.get(name);
        if (k == null) {
            k = CL.clCreateKernel(cl.program, name, null);
            kernels.put(name, k);
        }
        return k;
    }

    private long kernelWorkGroupSize(String name) {
        Long size = kernelWorkGroupSizes.get(name);
        if (size == null) {
            long[] value = new long[1];
            CL.clGetKernelWorkGroupInfo(kernel(name), cl.id, CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
                    Pointer.to(value), null);
            size = Sizeof.size_t == Sizeof.cl_uint ? value[0] & 0xffff_ffffL : value[0];
            kernelWorkGroupSizes.put(name, size);
        }
        return size;
    }

    static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private Launch launch(String name) {
        return new Launch(name);
    }

    /** Arguments of one kernel launch, collected first and set under the lock at {@link #run}. */
    private final class Launch {
        private final String name;
        private final long[] sizes = new long[32];
        private final Pointer[] values = new Pointer[32];
        private int count;

        Launch(String name) {
            this.name = name;
        }

        private Launch arg(long size, Pointer value) {
            sizes[count] = size;
            values[count] = value;
            count++;
            return this;
        }

        Launch mem(OpenClBuffer b) {
            return mem(b.mem());
        }

        Launch mem(cl_mem m) {
            return arg(Sizeof.cl_mem, Pointer.to(m));
        }

        Launch i32(int v) {
            return arg(Sizeof.cl_int, Pointer.to(new int[] {v}));
        }

        Launch i64(long v) {
            return arg(Sizeof.cl_long, Pointer.to(new long[] {v}));
        }

        Launch f32(float v) {
            return arg(Sizeof.cl_float, Pointer.to(new float[] {v}));
        }

        Launch f64(double v) {
            return arg(Sizeof.cl_double, Pointer.to(new double[] {v}));
        }

        Launch long8(long[] v) {
            return arg(Sizeof.cl_long * 8L, Pointer.to(Arrays.copyOf(v, 8)));
        }

        Launch int16(int[] v) {
            return arg(Sizeof.cl_int * 16L, Pointer.to(Arrays.copyOf(v, 16)));
        }

        Launch local(long bytes) {
            return arg(bytes, null);
        }

        /** Launches over {@code n} work-items in groups of {@link #LOCAL_SIZE}; the kernel guards the excess. */
        void run1d(long n) {
            synchronized (lock) {
                checkOpen(name);
                long local = Math.min(LOCAL_SIZE, Math.min(cl.device.maxWorkGroupSize(), kernelWorkGroupSize(name)));
                run(new long[] {roundUp(n, local)}, new long[] {local});
            }
        }

        void run(long[] global, long[] local) {
            synchronized (lock) {
                checkOpen(name);
                cl_kernel k = kernel(name);
                for (int i = 0; i < count; i++) {
                    CL.clSetKernelArg(k, i, sizes[i], values[i]);
                }
                CL.clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, null);
                kernelLaunches++;
            }
        }
    }

    // ---- dense operands for convolution and pooling ---------------------------------------------

    /** A contiguous copy of a view (or the view itself when it is contiguous); close returns any copy. */
    private final class Dense implements AutoCloseable {
        final cl_mem mem;
        final long offset;
        private final OpenClBuffer temp;
        private final StridedView target;

        Dense(cl_mem mem, long offset, OpenClBuffer temp, StridedView target) {
            this.mem = mem;
            this.offset = offset;
            this.temp = temp;
            this.target = target;
        }

        /** Copies a scratch output into the real (strided) output view. */
        void writeBack() {
            if (temp != null && target != null) {
                unary(UnaryOp.IDENTITY, StridedView.contiguous(temp, target.shape()), target);
            }
        }

        @Override
        public void close() {
            if (temp != null) {
                temp.close(); // the in-order queue runs every use before the memory is handed out again
            }
        }
    }

    private Dense dense(StridedView v) {
        OpenClBuffer b = (OpenClBuffer) v.buffer();
        if (v.isContiguous()) {
            return new Dense(b.mem(), v.offset(), null, null);
        }
        OpenClBuffer temp = (OpenClBuffer) allocate(v.dtype(), v.shape().numel());
        unary(UnaryOp.IDENTITY, v, StridedView.contiguous(temp, v.shape()));
        return new Dense(temp.mem(), 0, temp, null);
    }

    private Dense denseOut(StridedView v) {
        OpenClBuffer b = (OpenClBuffer) v.buffer();
        if (v.isContiguous()) {
            return new Dense(b.mem(), v.offset(), null, null);
        }
        OpenClBuffer temp = (OpenClBuffer) allocate(v.dtype(), v.shape().numel());
        return new Dense(temp.mem(), 0, temp, v);
    }

    // ---- operand checks -------------------------------------------------------------------------

    private void checkOpen(String kernel) {
        if (closed) {
            throw new IllegalStateException(kernel + ": the OpenCL backend on " + info.id() + " has been closed");
        }
    }

    private OpenClBuffer own(StridedView view, String kernel, String role) {
        Objects.requireNonNull(view, () -> kernel + ": " + role + " is null");
        return own(view.buffer(), kernel, role);
    }

    private OpenClBuffer own(DeviceBuffer buffer, String kernel, String role) {
        Objects.requireNonNull(buffer, () -> kernel + ": " + role + " is null");
        checkOpen(kernel);
        if (!(buffer instanceof OpenClBuffer ob) || ob.owner() != this) {
            throw new IllegalArgumentException(kernel + ": " + role + " is a buffer of another backend or device ("
                    + buffer + "), not of " + info.id() + "; copy it to " + info.id() + " first");
        }
        if (ob.isReleased()) {
            throw new IllegalStateException(kernel + ": " + role + " uses a released buffer (" + buffer + ")");
        }
        return ob;
    }

    /** FLOAT64 kernels exist only where the device has cl_khr_fp64. */
    private void supported(String kernel, DType type) {
        if (type == DType.FLOAT64 && !cl.fp64) {
            throw new IllegalArgumentException(kernel + ": FLOAT64 needs the cl_khr_fp64 extension, which "
                    + info.id() + " (" + info.name() + ") lacks; use FLOAT32 on this device");
        }
    }

    private static void floatOperands(String kernel, StridedView out, StridedView... inputs) {
        DType t = out.dtype();
        boolean ok = t.isFloatingPoint();
        for (StridedView v : inputs) {
            ok &= v.dtype() == t;
        }
        if (!ok) {
            StringBuilder sb = new StringBuilder(kernel).append(": operands must all be FLOAT32 or all FLOAT64, got ");
            for (StridedView v : inputs) {
                sb.append(v.dtype()).append(' ').append(v.shape()).append(", ");
            }
            sb.append("out ").append(t).append(' ').append(out.shape());
            throw new IllegalArgumentException(sb.toString());
        }
    }

    private static void sameShape(String kernel, StridedView out, StridedView... inputs) {
        for (StridedView v : inputs) {
            if (!v.shape().equals(out.shape())) {
                throw new IllegalArgumentException(kernel + ": operand of shape " + v.shape() + " (" + v.dtype()
                        + ") does not match the output shape " + out.shape() + "; broadcast it with 0 strides first");
            }
        }
    }

    private static String sfx(DType type) {
        return switch (type) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
        };
    }
}

package dev.fovea.backend.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * One device's OpenCL context and the Fovea program built for it.
 *
 * <p>Every kernel lives in ONE program (the files {@code fovea-common.cl} and {@code fovea-real.cl}
 * beside this class, the latter instantiated for float and, with {@code cl_khr_fp64}, double). It is
 * built once per device per process and cached here with its context, so that the availability check,
 * and every backend opened on the device afterwards, share one build: PoCL compiles slowly. The
 * context lives as long as the process; backends own only their queue, kernels and buffers.
 *
 * <p>PoCL's own disk cache ({@code POCL_CACHE_DIR}) still applies underneath. No {@code -Wall}: PoCL
 * rejects it.
 */
final class OpenClContext {
    private static final AtomicInteger PROGRAM_BUILDS = new AtomicInteger();
    private static final Map<OpenClDevice, Object> CACHE = new HashMap<>();

    final OpenClDevice device;
    final cl_context context;
    final cl_device_id id;
    final cl_program program;
    final String buildOptions;
    final long buildMillis;
    final boolean fp64;
    /** Kernel authors' programs by {@link #userKey}: an {@link OpenClProgram}, or the build failure's message. */
    private final Map<String, Object> userPrograms = new HashMap<>();

    private OpenClContext(OpenClDevice device, cl_context context, cl_device_id id, cl_program program,
            String buildOptions, long buildMillis) {
        this.device = device;
        this.context = context;
        this.id = id;
        this.program = program;
        this.buildOptions = buildOptions;
        this.buildMillis = buildMillis;
        this.fp64 = device.supportsFloat64();
    }

    /** How many times a Fovea program has been built in this process, over all devices. */
    static int programBuilds() {
        return PROGRAM_BUILDS.get();
    }

    /**
     * The context of {@code device}, created and its program built on first use, then cached; a failed
     * build is cached too, so it is reported again without rebuilding.
     *
     * @throws IllegalStateException when the context cannot be created or the program does not build (with
     *     the build log)
     */
    static OpenClContext of(OpenClDevice device) {
        synchronized (CACHE) {
            Object cached = CACHE.get(device);
            if (cached == null) {
                try {
                    cached = create(device);
                } catch (IllegalStateException e) {
                    cached = e;
                } catch (CLException | LinkageError e) {
                    cached = new IllegalStateException("OpenCL could not set up " + device.name() + ": " + e, e);
                }
                CACHE.put(device, cached);
            }
            if (cached instanceof IllegalStateException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return (OpenClContext) cached;
        }
    }

    /**
     * What every kernel author's program starts with (then {@code #line 1}, so the build log's line
     * numbers are the author's): the backend's floating-point contract (no contraction, so results
     * round as Java's do) and, where the device has it, fp64 (the build options define
     * {@code FOVEA_FP64}).
     */
    static final String USER_PRELUDE = "#pragma OPENCL FP_CONTRACT OFF\n"
            + "#ifdef FOVEA_FP64\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n#endif\n"
            + "#line 1\n";

    /** How many kernel authors' programs have been built in this process (cache misses), over all devices. */
    private static final AtomicInteger USER_BUILDS = new AtomicInteger();

    static int userProgramBuilds() {
        return USER_BUILDS.get();
    }

    /**
     * A kernel author's program, built on first use with this context's build options (plus
     * {@code -cl-kernel-arg-info}, so launches can check their arguments) and cached by the hash of
     * options and source; a failed build is cached too and reported again without rebuilding.
     *
     * @throws IllegalArgumentException when the source does not build, with the compiler's log
     */
    OpenClProgram userProgram(String name, String source) {
        String options = (buildOptions + " -cl-kernel-arg-info").strip();
        String full = USER_PRELUDE + source;
        String key = sha256(options + "\u0000" + full);
        synchronized (userPrograms) {
            Object cached = userPrograms.get(key);
            if (cached == null) {
                cached = buildUser(name, full, options, key);
                userPrograms.put(key, cached);
            }
            if (cached instanceof String failure) {
                throw new IllegalArgumentException("OpenCL program '" + name + "' " + failure);
            }
            return (OpenClProgram) cached;
        }
    }

    private Object buildUser(String name, String source, String options, String key) {
        USER_BUILDS.incrementAndGet();
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {source},
                new long[] {source.length()}, null);
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[] {id}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program, id);
            CL.clReleaseProgram(program);
            return "failed to build for " + device.name() + " (status " + e.getStatus() + " " + CL.stringFor_errorCode(
                    e.getStatus()) + ", options '" + options + "'; line numbers are the source's):\n"
                    + (log.isBlank() ? e.getMessage() : log);
        }
        return new OpenClProgram(this, program, name, key, options, buildLog(program, id), programInfo(program,
                CL.CL_PROGRAM_KERNEL_NAMES));
    }

    private static String programInfo(cl_program program, int param) {
        try {
            long[] size = new long[1];
            CL.clGetProgramInfo(program, param, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            CL.clGetProgramInfo(program, param, bytes.length, Pointer.to(bytes), null);
            return cString(bytes);
        } catch (CLException e) {
            return "";
        }
    }

    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).strip();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static OpenClContext create(OpenClDevice device) {
        CL.setExceptionsEnabled(true);
        cl_platform_id platform = platformOf(device);
        cl_device_id id = deviceIdOf(platform, device);
        cl_context_properties properties = new cl_context_properties();
        properties.addProperty(CL.CL_CONTEXT_PLATFORM, platform);
        cl_context context = CL.clCreateContext(properties, 1, new cl_device_id[] {id}, null, null, null);
        String options = buildOptions(device, id);
        String source = programSource(device.supportsFloat64());
        long start = System.nanoTime();
        cl_program program = CL.clCreateProgramWithSource(context, 1, new String[] {source},
                new long[] {source.length()}, null);
        PROGRAM_BUILDS.incrementAndGet();
        try {
            CL.clBuildProgram(program, 1, new cl_device_id[] {id}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program, id);
            CL.clReleaseProgram(program);
            CL.clReleaseContext(context);
            throw new IllegalStateException("the Fovea OpenCL program failed to build for " + device.name()
                    + " (status " + e.getStatus() + ", options '" + options + "'):\n"
                    + (log.isBlank() ? e.getMessage() : log), e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new OpenClContext(device, context, id, program, options, millis);
    }

    /** Build options: fp64 kernels when the device has them, IEEE division and sqrt in float when it can. */
    private static String buildOptions(OpenClDevice device, cl_device_id id) {
        StringBuilder options = new StringBuilder();
        if (device.supportsFloat64()) {
            options.append("-D FOVEA_FP64=1");
        }
        long[] config = new long[1];
        CL.clGetDeviceInfo(id, CL.CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(config), null);
        if ((config[0] & CL.CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0) {
            options.append(options.length() > 0 ? " " : "").append("-cl-fp32-correctly-rounded-divide-sqrt");
        }
        return options.toString();
    }

    /** The whole program: the shared part, then the REAL part for float and (with fp64) double. */
    static String programSource(boolean fp64) {
        String common = resource("fovea-common.cl");
        String real = resource("fovea-real.cl");
        StringBuilder source = new StringBuilder(common);
        source.append("\n#define REAL float\n#define K(name) name##_f32\n").append(real).append("\n#undef REAL\n#undef K\n");
        if (fp64) {
            source.append("\n#ifdef FOVEA_FP64\n#define REAL double\n#define K(name) name##_f64\n").append(real)
                    .append("\n#undef REAL\n#undef K\n#endif\n");
        }
        return source.toString();
    }

    private static String resource(String name) {
        try (InputStream in = OpenClContext.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("OpenCL kernel source " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenCL kernel source " + name, e);
        }
    }

    private static String buildLog(cl_program program, cl_device_id id) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(program, id, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(program, id, CL.CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
            return cString(bytes);
        } catch (CLException e) {
            return "";
        }
    }

    private static cl_platform_id platformOf(OpenClDevice device) {
        int[] count = new int[1];
        CL.clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        CL.clGetPlatformIDs(platforms.length, platforms, null);
        if (device.platformIndex() >= platforms.length) {
            throw new IllegalStateException("OpenCL platform " + device.platformIndex() + " of " + device.name()
                    + " is gone (" + platforms.length + " platforms now)");
        }
        return platforms[device.platformIndex()];
    }

    private static cl_device_id deviceIdOf(cl_platform_id platform, OpenClDevice device) {
        int[] count = new int[1];
        CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, count);
        cl_device_id[] ids = new cl_device_id[count[0]];
        CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
        if (device.platformDeviceIndex() >= ids.length) {
            throw new IllegalStateException("OpenCL device " + device.name() + " is gone from its platform");
        }
        return ids[device.platformDeviceIndex()];
    }
}

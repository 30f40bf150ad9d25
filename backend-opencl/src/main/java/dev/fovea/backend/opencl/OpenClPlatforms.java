package dev.fovea.backend.opencl;

import dev.fovea.api.backend.DeviceKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Finds OpenCL platforms and their devices through JOCL, once per process.
 *
 * <p>The probe never throws. Loading JOCL can fail in two ways that must be caught: its JNI
 * library opens the unversioned {@code libOpenCL.so}, which only the ICD loader's development
 * package provides ({@link UnsatisfiedLinkError}), and after that first failure every use of
 * {@code org.jocl.CL} throws {@link NoClassDefFoundError}. So the answer — devices or a reason — is
 * computed once and cached; {@link #probe()} is cheap and thread-safe after the first call.
 *
 * <p>Enumeration only reads platform and device information. It creates no OpenCL context, so it
 * does not install PoCL's signal handlers (see {@code docs/opencl.md}).
 */
public final class OpenClPlatforms {
    /** {@code CL_PLATFORM_NOT_FOUND_KHR}: the ICD loader found no platform (no ICD installed). */
    static final int PLATFORM_NOT_FOUND_KHR = -1001;
    /** {@code CL_DEVICE_NOT_FOUND}: a platform has no device of the requested type. */
    static final int DEVICE_NOT_FOUND = -1;

    static final String INSTALL_HINT =
            "install ocl-icd-opencl-dev and an ICD such as pocl-opencl-icd (Debian/Ubuntu), or your GPU vendor's driver";

    private OpenClPlatforms() {}

    /** A way to list devices; the real one calls OpenCL, tests pass fakes that fail on purpose. */
    @FunctionalInterface
    interface Enumerator {
        List<OpenClDevice> enumerate() throws OpenClCallException;
    }

    /** An OpenCL call that returned an error status. */
    static final class OpenClCallException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String call;
        private final int status;

        OpenClCallException(String call, int status) {
            super(call + " returned " + status + " (" + statusName(status) + ")");
            this.call = call;
            this.status = status;
        }

        String call() {
            return call;
        }

        int status() {
            return status;
        }
    }

    private static final class Cached {
        static final OpenClProbe PROBE = probe(OpenClPlatforms::enumerateWithJocl);
    }

    /** The devices of every OpenCL platform here, or why there are none. Probes once; never throws. */
    public static OpenClProbe probe() {
        return Cached.PROBE;
    }

    /** Runs {@code enumerator} and turns every way it can fail into a reason. Never throws. */
    static OpenClProbe probe(Enumerator enumerator) {
        try {
            List<OpenClDevice> devices = enumerator.enumerate();
            if (devices.isEmpty()) {
                return OpenClProbe.failed("OpenCL platforms were found but they report no devices");
            }
            return OpenClProbe.found(devices);
        } catch (OpenClCallException e) {
            return OpenClProbe.failed(reasonFor(e));
        } catch (UnsatisfiedLinkError e) {
            return OpenClProbe.failed(reasonForLinkFailure(e));
        } catch (NoClassDefFoundError e) {
            return OpenClProbe.failed("JOCL could not be initialised (an earlier attempt to load it failed: "
                    + e.getMessage() + "); " + INSTALL_HINT);
        } catch (LinkageError e) {
            return OpenClProbe.failed("JOCL could not be loaded: " + e + "; " + INSTALL_HINT);
        } catch (CLException e) {
            return OpenClProbe.failed("OpenCL failed while listing devices: " + e.getMessage()
                    + " (status " + e.getStatus() + ")");
        } catch (RuntimeException e) {
            return OpenClProbe.failed("OpenCL failed while listing devices: " + e);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            return OpenClProbe.failed("OpenCL failed while listing devices: " + e);
        }
    }

    static String reasonFor(OpenClCallException e) {
        if (e.call().equals("clGetPlatformIDs") && e.status() == PLATFORM_NOT_FOUND_KHR) {
            return "no OpenCL platform installed (clGetPlatformIDs returned -1001, CL_PLATFORM_NOT_FOUND_KHR); "
                    + INSTALL_HINT;
        }
        return "OpenCL failed while listing devices: " + e.getMessage();
    }

    static String reasonForLinkFailure(UnsatisfiedLinkError e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Could not initialize native OpenCL library") || message.contains("libOpenCL")) {
            return "no OpenCL ICD loader: libOpenCL.so not found (" + INSTALL_HINT + ")";
        }
        return "JOCL's native library could not be loaded: " + message + "; " + INSTALL_HINT;
    }

    // ---- The real enumeration --------------------------------------------------------------------

    private static List<OpenClDevice> enumerateWithJocl() throws OpenClCallException {
        int[] count = new int[1];
        int status = call(() -> CL.clGetPlatformIDs(0, null, count));
        if (status == PLATFORM_NOT_FOUND_KHR || (status == CL.CL_SUCCESS && count[0] == 0)) {
            throw new OpenClCallException("clGetPlatformIDs", PLATFORM_NOT_FOUND_KHR);
        }
        check("clGetPlatformIDs", status);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        check("clGetPlatformIDs", call(() -> CL.clGetPlatformIDs(platforms.length, platforms, null)));

        List<OpenClDevice> devices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            cl_platform_id platform = platforms[p];
            String platformName;
            try {
                platformName = platformString(platform, CL.CL_PLATFORM_NAME);
            } catch (OpenClCallException e) {
                problems.add("platform " + p + ": " + e.getMessage());
                continue;
            }
            int[] deviceCount = new int[1];
            int deviceStatus = call(() -> CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, deviceCount));
            if (deviceStatus == DEVICE_NOT_FOUND || (deviceStatus == CL.CL_SUCCESS && deviceCount[0] == 0)) {
                continue;
            }
            if (deviceStatus != CL.CL_SUCCESS) {
                problems.add(platformName + ": " + new OpenClCallException("clGetDeviceIDs", deviceStatus).getMessage());
                continue;
            }
            cl_device_id[] ids = new cl_device_id[deviceCount[0]];
            try {
                check("clGetDeviceIDs",
                        call(() -> CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null)));
                for (int d = 0; d < ids.length; d++) {
                    devices.add(describe(p, d, platformName, ids[d]));
                }
            } catch (OpenClCallException e) {
                problems.add(platformName + ": " + e.getMessage());
            }
        }
        if (devices.isEmpty() && !problems.isEmpty()) {
            throw new IllegalStateException("no usable OpenCL device; " + String.join("; ", problems));
        }
        return devices;
    }

    private static OpenClDevice describe(int platformIndex, int platformDeviceIndex, String platformName,
            cl_device_id id) throws OpenClCallException {
        String extensions = deviceString(id, CL.CL_DEVICE_EXTENSIONS);
        return new OpenClDevice(
                platformIndex,
                platformDeviceIndex,
                platformName,
                deviceString(id, CL.CL_DEVICE_NAME).strip(),
                deviceString(id, CL.CL_DEVICE_VENDOR).strip(),
                kindOf(deviceLong(id, CL.CL_DEVICE_TYPE)),
                deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE),
                deviceSizeT(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                hasExtension(extensions, "cl_khr_fp64"),
                deviceString(id, CL.CL_DEVICE_OPENCL_C_VERSION).strip(),
                deviceString(id, CL.CL_DRIVER_VERSION).strip());
    }

    /** The kind for a {@code CL_DEVICE_TYPE} bit field; a GPU bit wins over the others. */
    static DeviceKind kindOf(long deviceType) {
        if ((deviceType & CL.CL_DEVICE_TYPE_GPU) != 0) {
            return DeviceKind.GPU;
        }
        if ((deviceType & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return DeviceKind.ACCELERATOR;
        }
        if ((deviceType & CL.CL_DEVICE_TYPE_CPU) != 0) {
            return DeviceKind.CPU;
        }
        return DeviceKind.OTHER;
    }

    /** Whether the space-separated {@code extensions} list names {@code extension} exactly. */
    static boolean hasExtension(String extensions, String extension) {
        return Arrays.asList(extensions.strip().split("\\s+")).contains(extension);
    }

    // ---- JOCL plumbing ----------------------------------------------------------------------------

    @FunctionalInterface
    private interface StatusCall {
        int run();
    }

    /** Runs a JOCL call and returns its status, whether or not JOCL's exceptions are switched on. */
    private static int call(StatusCall call) {
        try {
            return call.run();
        } catch (CLException e) {
            return e.getStatus();
        }
    }

    private static void check(String name, int status) throws OpenClCallException {
        if (status != CL.CL_SUCCESS) {
            throw new OpenClCallException(name, status);
        }
    }

    private static String platformString(cl_platform_id platform, int param) throws OpenClCallException {
        long[] size = new long[1];
        check("clGetPlatformInfo", call(() -> CL.clGetPlatformInfo(platform, param, 0, null, size)));
        byte[] bytes = new byte[(int) size[0]];
        check("clGetPlatformInfo", call(() -> CL.clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null)));
        return cString(bytes);
    }

    private static String deviceString(cl_device_id device, int param) throws OpenClCallException {
        long[] size = new long[1];
        check("clGetDeviceInfo", call(() -> CL.clGetDeviceInfo(device, param, 0, null, size)));
        byte[] bytes = new byte[(int) size[0]];
        check("clGetDeviceInfo", call(() -> CL.clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null)));
        return cString(bytes);
    }

    private static long deviceLong(cl_device_id device, int param) throws OpenClCallException {
        long[] value = new long[1];
        check("clGetDeviceInfo", call(() -> CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null)));
        return value[0];
    }

    private static long deviceSizeT(cl_device_id device, int param) throws OpenClCallException {
        long[] value = new long[1];
        check("clGetDeviceInfo", call(() -> CL.clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null)));
        return Sizeof.size_t == Sizeof.cl_uint ? value[0] & 0xffff_ffffL : value[0];
    }

    private static int deviceInt(cl_device_id device, int param) throws OpenClCallException {
        int[] value = new int[1];
        check("clGetDeviceInfo", call(() -> CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null)));
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** A readable name for an OpenCL status code, without touching JOCL (which may not load). */
    static String statusName(int status) {
        switch (status) {
            case 0: return "CL_SUCCESS";
            case -1: return "CL_DEVICE_NOT_FOUND";
            case -2: return "CL_DEVICE_NOT_AVAILABLE";
            case -5: return "CL_OUT_OF_RESOURCES";
            case -6: return "CL_OUT_OF_HOST_MEMORY";
            case -30: return "CL_INVALID_VALUE";
            case -32: return "CL_INVALID_PLATFORM";
            case -33: return "CL_INVALID_DEVICE";
            case PLATFORM_NOT_FOUND_KHR: return "CL_PLATFORM_NOT_FOUND_KHR";
            default: return "OpenCL error";
        }
    }
}

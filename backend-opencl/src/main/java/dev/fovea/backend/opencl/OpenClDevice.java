package dev.fovea.backend.opencl;

import dev.fovea.api.backend.DeviceInfo;
import dev.fovea.api.backend.DeviceKind;
import java.util.Objects;

/**
 * What one OpenCL device reports about itself, as read by {@link OpenClPlatforms#probe()}.
 *
 * @param platformIndex index of the platform in {@code clGetPlatformIDs} order
 * @param platformDeviceIndex index of the device among its platform's devices ({@code clGetDeviceIDs}
 *     with {@code CL_DEVICE_TYPE_ALL}); with {@code platformIndex} it finds the device again
 * @param platformName the platform's name, e.g. "Portable Computing Language"
 * @param name the device's name, e.g. "pthread-skylake-avx512-Intel(R) Xeon(R) Processor"
 * @param vendor the device's vendor string
 * @param kind GPU, CPU, ACCELERATOR or OTHER, from {@code CL_DEVICE_TYPE}
 * @param globalMemoryBytes {@code CL_DEVICE_GLOBAL_MEM_SIZE}
 * @param maxAllocationBytes {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}, the largest single buffer
 * @param localMemoryBytes {@code CL_DEVICE_LOCAL_MEM_SIZE}; kernels must check their use against it
 *     (PoCL aborts the process instead of failing when it is exceeded)
 * @param maxWorkGroupSize {@code CL_DEVICE_MAX_WORK_GROUP_SIZE}
 * @param computeUnits {@code CL_DEVICE_MAX_COMPUTE_UNITS}
 * @param supportsFloat64 whether {@code cl_khr_fp64} is among the device's extensions
 * @param openClCVersion {@code CL_DEVICE_OPENCL_C_VERSION}, e.g. "OpenCL C 1.2 PoCL"
 * @param driverVersion {@code CL_DRIVER_VERSION}
 */
public record OpenClDevice(
        int platformIndex,
        int platformDeviceIndex,
        String platformName,
        String name,
        String vendor,
        DeviceKind kind,
        long globalMemoryBytes,
        long maxAllocationBytes,
        long localMemoryBytes,
        long maxWorkGroupSize,
        int computeUnits,
        boolean supportsFloat64,
        String openClCVersion,
        String driverVersion) {

    public OpenClDevice {
        Objects.requireNonNull(platformName, "platformName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(openClCVersion, "openClCVersion");
        Objects.requireNonNull(driverVersion, "driverVersion");
    }

    /** This device as the backend SPI describes it, with {@code index} its position in the backend's list. */
    public DeviceInfo toDeviceInfo(int index) {
        return new DeviceInfo(OpenClBackendProvider.NAME, index, name, kind, globalMemoryBytes, computeUnits,
                supportsFloat64);
    }

    /** "pthread-... (CPU, 2 compute units, 4.0 GiB, OpenCL C 1.2 PoCL, fp64) on Portable Computing Language". */
    public String describe() {
        return name + " (" + kind + ", " + computeUnits + " compute units, "
                + String.format(java.util.Locale.ROOT, "%.1f GiB", globalMemoryBytes / (1024.0 * 1024 * 1024))
                + ", " + openClCVersion + (supportsFloat64 ? ", fp64" : ", no fp64") + ") on " + platformName;
    }
}

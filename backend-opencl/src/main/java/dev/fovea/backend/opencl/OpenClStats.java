package dev.fovea.backend.opencl;

/**
 * A snapshot of one OpenCL backend's memory and traffic, for tests, docs and (later) core's
 * diagnostics. Counters start at zero when the backend opens.
 *
 * @param bytesInUse device bytes held by buffers not yet closed (rounded up to the pool's buckets)
 * @param pooledBytes device bytes of closed buffers kept for reuse
 * @param budgetBytes the most this backend may hold, in use plus pooled ({@code fovea.opencl.memoryLimit}
 *     or the device's global memory)
 * @param buffersCreated {@code clCreateBuffer} calls
 * @param buffersReused allocations served from the pool instead
 * @param buffersReleased {@code clReleaseMemObject} calls (pool trims and close)
 * @param uploads host-to-device copies ({@code upload} calls that moved at least one element)
 * @param uploadBytes bytes those copies moved
 * @param downloads device-to-host copies
 * @param downloadBytes bytes those copies moved
 * @param kernelLaunches kernels enqueued
 */
public record OpenClStats(
        long bytesInUse,
        long pooledBytes,
        long budgetBytes,
        long buffersCreated,
        long buffersReused,
        long buffersReleased,
        long uploads,
        long uploadBytes,
        long downloads,
        long downloadBytes,
        long kernelLaunches) {

    /** Host-device copies in either direction. */
    public long transfers() {
        return uploads + downloads;
    }
}

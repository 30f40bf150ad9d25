package dev.fovea.backend.cpu;

import dev.fovea.api.DType;
import dev.fovea.api.backend.DeviceBuffer;
import java.util.Objects;

/**
 * The Java arrays behind the CPU backend's buffers, for authors of custom kernels
 * ({@link dev.fovea.api.backend.KernelProvider}s for backend {@code "cpu"}).
 *
 * <pre>{@code
 * public void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes) {
 *     StridedView x = inputs.get(0);                      // dense, may start at an offset
 *     float[] in = CpuArrays.floats(x.buffer());
 *     float[] out = CpuArrays.floats(output.buffer());    // dense, offset 0
 *     int n = Math.toIntExact(output.shape().numel()), offset = Math.toIntExact(x.offset());
 *     for (int i = 0; i < n; i++) {
 *         out[i] = f(in[offset + i]);
 *     }
 * }
 * }</pre>
 *
 * <p>The returned array is the buffer itself, not a copy: writes are visible to every tensor viewing
 * it. It may be longer than the tensor (buffers are at least one element long and views may cover a
 * part), so index through the view's {@code offset} and shape. The CPU backend runs kernels
 * synchronously, so the array holds every earlier result when a kernel starts. Only write to a kernel's
 * output; inputs may be shared with other tensors.
 */
public final class CpuArrays {
    private CpuArrays() {}

    /**
     * The {@code float[]} of a FLOAT32 buffer of the CPU backend.
     *
     * @throws IllegalArgumentException if the buffer is not a CPU buffer or not FLOAT32
     * @throws IllegalStateException if it was released
     */
    public static float[] floats(DeviceBuffer buffer) {
        return cpu(buffer, DType.FLOAT32).floats();
    }

    /**
     * The {@code double[]} of a FLOAT64 buffer of the CPU backend.
     *
     * @throws IllegalArgumentException if the buffer is not a CPU buffer or not FLOAT64
     * @throws IllegalStateException if it was released
     */
    public static double[] doubles(DeviceBuffer buffer) {
        return cpu(buffer, DType.FLOAT64).doubles();
    }

    /**
     * The {@code int[]} of an INT32 buffer of the CPU backend.
     *
     * @throws IllegalArgumentException if the buffer is not a CPU buffer or not INT32
     * @throws IllegalStateException if it was released
     */
    public static int[] ints(DeviceBuffer buffer) {
        return cpu(buffer, DType.INT32).ints();
    }

    /** Whether {@code buffer} belongs to the CPU backend (so the accessors above accept it). */
    public static boolean isCpuBuffer(DeviceBuffer buffer) {
        return buffer instanceof CpuBuffer;
    }

    private static CpuBuffer cpu(DeviceBuffer buffer, DType expected) {
        Objects.requireNonNull(buffer, "buffer");
        if (!(buffer instanceof CpuBuffer cpu)) {
            throw new IllegalArgumentException("CpuArrays: " + buffer + " is not a buffer of the cpu backend but a "
                    + buffer.getClass().getName() + "; register this kernel for that buffer's backend instead");
        }
        if (cpu.dtype() != expected) {
            throw new IllegalArgumentException("CpuArrays: the buffer holds " + cpu.dtype() + ", not " + expected);
        }
        if (cpu.isReleased()) {
            throw new IllegalStateException("CpuArrays: " + cpu + " was released");
        }
        return cpu;
    }
}

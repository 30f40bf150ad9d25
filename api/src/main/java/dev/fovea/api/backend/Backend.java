package dev.fovea.api.backend;

import dev.fovea.api.DType;
import java.util.Optional;

/**
 * One opened device of a backend: memory management plus the primitive kernels that every Fovea
 * operation, and every derivative, is built from.
 *
 * <h2>Contract for every kernel</h2>
 * <ul>
 *   <li>Operands are {@link StridedView}s of buffers this backend allocated. Inputs may have any
 *       strides, including 0 (broadcast); outputs do not overlap their inputs unless stated.</li>
 *   <li>Kernels overwrite their output; they never accumulate into it.</li>
 *   <li>Unless stated otherwise all operands have the same floating-point dtype (FLOAT32, or
 *       FLOAT64 where {@link DeviceInfo#supportsFloat64()}), and results are computed in it.</li>
 *   <li>A kernel given operands it does not support throws {@link IllegalArgumentException} naming
 *       the kernel, the shapes and dtypes. Shape agreement is checked by core before the call.</li>
 *   <li>Kernels may run asynchronously; {@link #download} waits for everything before it.</li>
 * </ul>
 * Nothing here knows about gradients.
 */
public interface Backend extends AutoCloseable {

    /** The provider's name, e.g. "cpu". */
    String name();

    /** The device this backend drives. */
    DeviceInfo device();

    // ---- Memory ---------------------------------------------------------------------------------

    /**
     * Allocates room for {@code elements} values of {@code type}; contents are unspecified.
     *
     * @throws IllegalStateException when the device is out of memory, naming the size asked for
     */
    DeviceBuffer allocate(DType type, long elements);

    /**
     * Copies {@code source.remaining()} elements from the host into {@code target} starting at
     * element {@code targetOffset}. {@code source} is a FloatBuffer, DoubleBuffer or IntBuffer
     * matching the target's dtype; its position is not changed.
     */
    void upload(java.nio.Buffer source, DeviceBuffer target, long targetOffset);

    /**
     * Copies {@code target.remaining()} elements from {@code source}, starting at element
     * {@code sourceOffset}, to the host. {@code target} is a FloatBuffer, DoubleBuffer or IntBuffer
     * matching the source's dtype; its position is not changed.
     */
    void download(DeviceBuffer source, long sourceOffset, java.nio.Buffer target);

    // ---- Elementwise ----------------------------------------------------------------------------

    /** Sets every element of {@code out} to {@code value} (any dtype; converted like a Java cast). */
    void fill(StridedView out, double value);

    /**
     * {@code out[i] = op(x[i])}, same shape. For {@link UnaryOp#IDENTITY} the dtypes may differ
     * (any of FLOAT32, FLOAT64, INT32 to any other): a strided copy with conversion.
     */
    void unary(UnaryOp op, StridedView x, StridedView out);

    /** {@code out[i] = op(a[i], b[i])}; {@code a} and {@code b} have the output's shape (broadcast via 0 strides). */
    void binary(BinaryOp op, StridedView a, StridedView b, StridedView out);

    /**
     * {@code out[i] = cond[i] != 0 ? a[i] : b[i]}; all of the output's shape. {@code cond} may be
     * of any dtype.
     */
    void where(StridedView cond, StridedView a, StridedView b, StridedView out);

    // ---- Reductions -----------------------------------------------------------------------------

    /**
     * Reduces {@code x} over {@code axes}. {@code out} has {@code x}'s rank with size 1 on every
     * reduced axis. Reducing zero elements gives 0 for SUM and is an error for MAX/MIN.
     */
    void reduce(ReduceOp op, StridedView x, int[] axes, StridedView out);

    /**
     * Index (along {@code axis}) of the first maximum of {@code x}; {@code out} is INT32 with
     * {@code x}'s rank and size 1 on {@code axis}. NaN counts as the maximum.
     */
    void argmax(StridedView x, int axis, StridedView out);

    // ---- Linear algebra -------------------------------------------------------------------------

    /**
     * Batched matrix product {@code out[b] = a[b] @ b[b]} with {@code a: [B, M, K]},
     * {@code b: [B, K, N]}, {@code out: [B, M, N]}. Transposed or broadcast (stride-0 batch)
     * operands arrive as strides.
     */
    void matmul(StridedView a, StridedView b, StridedView out);

    // ---- Convolution and pooling (dense NCHW operands) ------------------------------------------

    /**
     * Cross-correlation {@code out[n, co, oy, ox] = bias[co] + sum x[n, ci, iy, ix] * w[co, ci', ky, kx]}
     * with {@code x: [N, C, H, W]}, {@code w: [Cout, C / groups, kH, kW]}, {@code bias: [Cout]} or
     * {@code null}, {@code out: [N, Cout, outH, outW]}. All operands contiguous.
     */
    void conv2d(StridedView x, StridedView w, StridedView bias, StridedView out, ConvSpec spec);

    /** d(loss)/d(x) of {@link #conv2d} given {@code gradOut}; writes {@code gradInput: [N, C, H, W]}. */
    void conv2dBackwardData(StridedView gradOut, StridedView w, StridedView gradInput, ConvSpec spec);

    /** d(loss)/d(w) of {@link #conv2d} given {@code gradOut}; writes {@code gradWeight: [Cout, C / groups, kH, kW]}. */
    void conv2dBackwardWeights(StridedView x, StridedView gradOut, StridedView gradWeight, ConvSpec spec);

    /** Pools {@code x: [N, C, H, W]} into {@code out: [N, C, outH, outW]}; contiguous operands. */
    void pool2d(PoolOp op, StridedView x, StridedView out, PoolSpec spec);

    /**
     * d(loss)/d(x) of {@link #pool2d}: writes {@code gradInput} (shape of {@code x}). For MAX the
     * gradient goes to the first maximal element of each window, found again from {@code x}.
     */
    void pool2dBackward(PoolOp op, StridedView x, StridedView gradOut, StridedView gradInput, PoolSpec spec);

    // ---- Random numbers -------------------------------------------------------------------------

    /**
     * Fills the contiguous {@code out} with draws from {@code distribution}: element {@code i} is
     * {@link CounterRandom}'s value for {@code (seed, counter + i)}, so every backend produces the
     * same numbers for the same seed and counter.
     */
    void fillRandom(RandomSpec distribution, long seed, long counter, StridedView out);

    // ---- Diagnostics ----------------------------------------------------------------------------

    /**
     * Host-device copies and device memory since this backend opened, for backends that count them
     * (the OpenCL backend does). Tests read it to prove that a training step uploads only its batch
     * and downloads only its loss. The default: empty, for backends whose memory is the host's.
     * Never throws; cheap enough to call every step.
     */
    default Optional<TransferStats> transferStats() {
        return Optional.empty();
    }

    // ---- Lifecycle ------------------------------------------------------------------------------

    /** Releases every resource of the device. Buffers allocated by it become unusable. */
    @Override
    void close();
}

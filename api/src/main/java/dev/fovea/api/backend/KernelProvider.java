package dev.fovea.api.backend;

import java.util.List;
import java.util.Map;

/**
 * A hand-written implementation of one <em>named</em> operation for one backend: the third depth
 * of extending Fovea, below custom layers and custom differentiable functions.
 *
 * <p>Registered in {@code META-INF/services/dev.fovea.api.backend.KernelProvider} and found by
 * {@link java.util.ServiceLoader}, like {@link BackendProvider}. Core's {@code CustomOp} looks up the
 * provider whose {@link #op()} is the op's name and whose {@link #backend()} is the
 * {@link Backend#name() name} of the backend the op's tensors live on; without one it runs the op's
 * portable fallback (a composite of Fovea's tensor operations) or fails with a message naming the op,
 * the backend and the backends that do have a kernel. Two parties write these:
 * <ul>
 *   <li>a <b>user</b> ships per-backend implementations of their own op ({@code "acme.softplus"} for
 *       {@code "cpu"} and for {@code "opencl"}), each in the artifact that may depend on that backend;</li>
 *   <li>a <b>backend author</b> supplies a fused implementation of an op that Fovea or a library
 *       defines by name with a fallback, without any change to core.</li>
 * </ul>
 *
 * <p><b>The call.</b> {@link #run} receives the opened {@link Backend} (cast it to the backend's public
 * type to reach its memory: {@code dev.fovea.backend.cpu.CpuArrays} gives a CPU buffer's array), the
 * inputs and a freshly allocated output. Inputs are dense and row-major ({@link
 * StridedView#isContiguous()}) but may start at an {@link StridedView#offset() offset} into a larger
 * buffer; the output is dense, starts at offset 0, has the shape and dtype the op declared, and must be
 * completely overwritten. Inputs must not be written. The kernel may run asynchronously on the device's
 * queue, like the built-in kernels; it must be safe to call from several threads at once. Kernels know
 * nothing about gradients: the op's backward rule (itself made of tensor operations, or of other named
 * ops) lives in core.
 *
 * <p>Providers are instantiated once per discovery and must be cheap to construct (no native code in
 * the constructor).
 */
public interface KernelProvider {

    /** The op's name, e.g. {@code "acme.softplus"}; names are case-sensitive and should be qualified. */
    String op();

    /** The {@link Backend#name()} this kernel runs on, e.g. {@code "cpu"} or {@code "opencl"}. */
    String backend();

    /**
     * Whether this kernel handles these operands (a FLOAT32-only kernel returns {@code false} for
     * FLOAT64, say); when it does not, the op uses its fallback as if there were no kernel. Must not
     * throw. The default accepts everything.
     */
    default boolean supports(List<StridedView> inputs, StridedView output) {
        return true;
    }

    /**
     * Computes the op: reads {@code inputs}, overwrites {@code output}.
     *
     * @param backend the opened backend owning every buffer, whose {@link Backend#name()} is {@link #backend()}
     * @param inputs the op's operands, in the order the op was called with, dense row-major
     * @param output the result, dense row-major, of the shape and dtype the op declared
     * @param attributes the op's scalar parameters by name (e.g. {@code beta}); unmodifiable, possibly empty
     * @throws IllegalArgumentException for operands it cannot handle, naming the op, shapes and dtypes
     */
    void run(Backend backend, List<StridedView> inputs, StridedView output, Map<String, Double> attributes);
}

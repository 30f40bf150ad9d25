package dev.fovea.api;

/**
 * An n-dimensional array on a {@link Device} that records the operations producing it, so that
 * {@link #backward()} can compute gradients by reverse-mode automatic differentiation.
 *
 * <p>Operations return new tensors and never modify their inputs. Elementwise binary operations
 * broadcast NumPy/PyTorch style. Axis arguments may be negative and then count from the end.
 * A tensor that requires a gradient passes that requirement on to every result computed from it,
 * unless the computation runs inside a no-grad scope or the tensor was {@link #detach() detached}.
 *
 * <p>Tensors hold device memory. {@link #close()} releases it at once; tensors that are not
 * closed are released when they become unreachable.
 */
public interface Tensor extends AutoCloseable {

    // ---- What it is ----------------------------------------------------------------------------

    /** The size of each dimension. */
    Shape shape();

    /** The element type. */
    DType dtype();

    /** The device whose memory holds the elements. */
    Device device();

    /** Number of dimensions. */
    default int rank() {
        return shape().rank();
    }

    /** Number of elements. */
    default long numel() {
        return shape().numel();
    }

    // ---- Autograd ------------------------------------------------------------------------------

    /** Whether gradients flow to or through this tensor. */
    boolean requiresGrad();

    /**
     * Marks a leaf tensor as a parameter to differentiate with respect to, and returns it.
     *
     * @throws IllegalStateException if the tensor is not a leaf or its dtype is not floating point
     */
    Tensor requiresGrad(boolean requiresGrad);

    /** True when no recorded operation produced this tensor (user data and parameters). */
    boolean isLeaf();

    /** The gradient accumulated by {@link #backward()} calls, or {@code null} before the first one. */
    Tensor grad();

    /** Forgets the accumulated gradient. */
    void zeroGrad();

    /**
     * Back-propagates from this scalar: adds d(this)/d(leaf) to the gradient of every leaf that
     * requires one. The recorded graph is freed afterwards.
     *
     * @throws IllegalStateException if this tensor is not a scalar or does not require a gradient
     */
    void backward();

    /**
     * Back-propagates with {@code gradient} (same shape as this tensor) as d(loss)/d(this).
     *
     * @param retainGraph keep the recorded graph so that backward can run through it again
     */
    void backward(Tensor gradient, boolean retainGraph);

    /** The same values, cut off from the graph: no gradient flows through the result. */
    Tensor detach();

    /**
     * Overwrites this tensor's elements, in place, with {@code source} broadcast to this shape and
     * converted to this dtype; returns this tensor. Views sharing the memory see the new values.
     *
     * <p>The write is not recorded by autograd, which is why it is refused on a tensor that requires
     * a gradient unless a no-grad scope is active (optimizers and running statistics update their
     * tensors that way), and always refused on a tensor computed by a recorded operation.
     *
     * @throws IllegalStateException outside a no-grad scope on a tensor that requires a gradient
     * @throws IllegalArgumentException if the devices differ or the shape does not broadcast
     */
    Tensor assign(Tensor source);

    // ---- Elementwise arithmetic (broadcasting) ------------------------------------------------

    Tensor add(Tensor other);

    Tensor add(double scalar);

    Tensor sub(Tensor other);

    Tensor sub(double scalar);

    Tensor mul(Tensor other);

    Tensor mul(double scalar);

    Tensor div(Tensor other);

    Tensor div(double scalar);

    /** Elementwise power with a tensor exponent (base must be positive where it is differentiated). */
    Tensor pow(Tensor exponent);

    Tensor pow(double exponent);

    /** Elementwise maximum; the gradient goes to the larger operand (split evenly on ties). */
    Tensor maximum(Tensor other);

    /** Elementwise minimum; the gradient goes to the smaller operand (split evenly on ties). */
    Tensor minimum(Tensor other);

    // ---- Elementwise functions ----------------------------------------------------------------

    Tensor neg();

    Tensor abs();

    Tensor exp();

    /** Natural logarithm. */
    Tensor log();

    Tensor sqrt();

    Tensor square();

    Tensor reciprocal();

    Tensor sin();

    Tensor cos();

    Tensor relu();

    /** {@code x} where positive, {@code negativeSlope * x} elsewhere. */
    Tensor leakyRelu(double negativeSlope);

    Tensor sigmoid();

    Tensor tanh();

    /** The exact (erf-based) Gaussian error linear unit. */
    Tensor gelu();

    /** Limits each element to {@code [min, max]}; the gradient is zero where clamped. */
    Tensor clamp(double min, double max);

    // ---- Comparisons (not differentiable; 1 where true, 0 where false, in this dtype) --------

    Tensor eq(Tensor other);

    Tensor gt(Tensor other);

    Tensor lt(Tensor other);

    // ---- Reductions ---------------------------------------------------------------------------

    /** Sum of all elements, as a scalar. */
    Tensor sum();

    /** Sum over {@code axes}; with {@code keepDims} the reduced axes stay as size 1. */
    Tensor sum(int[] axes, boolean keepDims);

    /** Sum over one axis, which is removed. */
    default Tensor sum(int axis) {
        return sum(new int[] {axis}, false);
    }

    /** Mean of all elements, as a scalar. */
    Tensor mean();

    Tensor mean(int[] axes, boolean keepDims);

    default Tensor mean(int axis) {
        return mean(new int[] {axis}, false);
    }

    /** Maximum of all elements, as a scalar. */
    Tensor max();

    /** Maximum over one axis; the gradient goes to the first maximal element. */
    Tensor max(int axis, boolean keepDim);

    /** Index of the first maximum along {@code axis}, as an INT32 tensor without that axis. */
    Tensor argmax(int axis);

    // ---- Shape --------------------------------------------------------------------------------

    /** The same elements in a new shape; one dimension may be -1 and is then inferred. */
    Tensor reshape(int... dims);

    /** Swaps two axes. */
    Tensor transpose(int axis0, int axis1);

    /** Reorders the axes: result axis {@code i} is this tensor's axis {@code order[i]}. */
    Tensor permute(int... order);

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
    Tensor slice(int axis, int start, int end);

    /** Inserts a size-1 axis at {@code axis}. */
    Tensor unsqueeze(int axis);

    /** Removes the size-1 axis {@code axis}. */
    Tensor squeeze(int axis);

    /** Collapses axes {@code startAxis..end} into one. */
    Tensor flatten(int startAxis);

    /** Repeats size-1 dimensions (without copying) so that the result has {@code shape}. */
    Tensor expand(Shape shape);

    /** A tensor with the same values laid out densely in row-major order (this one if it already is). */
    Tensor contiguous();

    // ---- Linear algebra and normalisation ------------------------------------------------------

    /**
     * Matrix product. 1-D and 2-D operands follow the usual rules; higher ranks are batches of
     * matrices whose leading dimensions broadcast, as in {@code torch.matmul}.
     */
    Tensor matmul(Tensor other);

    /** {@code exp(x) / sum(exp(x))} along {@code axis}, computed without overflow. */
    Tensor softmax(int axis);

    /** {@code log(softmax(x))} along {@code axis}, computed without overflow or log(0). */
    Tensor logSoftmax(int axis);

    // ---- Conversion and data -------------------------------------------------------------------

    /** This tensor on another device (the same tensor if it is there already); differentiable. */
    Tensor to(Device device);

    /** This tensor converted to another dtype (the same tensor if it has it already). */
    Tensor to(DType dtype);

    /** All elements, row-major, converted to float. */
    float[] toFloatArray();

    /** All elements, row-major, converted to double. */
    double[] toDoubleArray();

    /** All elements, row-major, converted to int (floats are truncated toward zero). */
    int[] toIntArray();

    /**
     * The value of a one-element tensor.
     *
     * @throws IllegalStateException if the tensor holds more than one element
     */
    double item();

    /** Releases the device memory now. Using the tensor afterwards is an error. */
    @Override
    void close();
}

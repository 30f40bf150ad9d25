package dev.fovea.core.tensor;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.KernelProvider;
import dev.fovea.api.backend.StridedView;
import dev.fovea.core.device.BackendDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named operation that runs a backend's own kernel where one is installed and a portable composite
 * of tensor operations elsewhere: the third depth of extending Fovea (see {@link KernelProvider}).
 *
 * <pre>{@code
 * static final CustomOp SOFTPLUS = CustomOp.named("acme.softplus")
 *         .withFallback(in -> in.get(0).relu().add(in.get(0).abs().neg().exp().add(1.0).log()))
 *         .withBackward((gradOut, in, out) -> List.of(gradOut.mul(in.get(0).sigmoid())));
 *
 * Tensor y = SOFTPLUS.apply(x);   // the "acme.softplus" kernel of x's backend, else the fallback
 * }</pre>
 *
 * <p><b>Choosing the implementation</b>, on every call, from the {@link Kernels} it was given (by
 * default {@link Kernels#installed()}, found with ServiceLoader):
 * <ol>
 *   <li>the kernel registered for this op and the {@link dev.fovea.api.backend.Backend#name() backend}
 *       the inputs live on, if it {@link KernelProvider#supports supports} the operands - unless a
 *       gradient is needed and the op has no backward rule (a kernel is opaque to autograd), in which
 *       case the fallback is differentiated instead;</li>
 *   <li>else the fallback;</li>
 *   <li>else an {@link IllegalStateException} naming the op, the backend, and the backends that have
 *       a kernel for it.</li>
 * </ol>
 *
 * <p><b>Gradients.</b> With {@link #withBackward} the op records one graph node whose rule is that
 * backward, whichever implementation ran the forward - so the fallback and every kernel are
 * differentiated the same way, and {@code GradCheck} on any device checks the rule. Without it, only
 * the fallback is differentiable (autograd derives it from its parts).
 *
 * <p><b>The kernel's operands.</b> Inputs are made contiguous first (a copy only where they are not);
 * the output is allocated by the op with the shape from {@link #withOutputShape} (by default the
 * inputs' shapes broadcast together) and the first input's dtype. All inputs must be on one device.
 *
 * <p>Instances are immutable and thread-safe; keep one in a {@code static final} field.
 */
public final class CustomOp {

    /** A composite of tensor operations computing the op from its inputs and attributes. */
    @FunctionalInterface
    public interface Composite {
        Tensor apply(List<Tensor> inputs, Map<String, Double> attributes);
    }

    /** The op's backward rule, with its attributes; see {@link CustomFunction.Backward}. */
    @FunctionalInterface
    public interface Backward {
        /**
         * @return one gradient per input (of its shape), {@code null} for inputs needing none
         */
        List<Tensor> apply(Tensor gradOutput, List<Tensor> inputs, Tensor output, Map<String, Double> attributes);
    }

    private final String name;
    private final Composite fallback;
    private final Backward backward;
    private final Function<List<Shape>, Shape> outputShape;
    private final Kernels kernels;

    private CustomOp(String name, Composite fallback, Backward backward, Function<List<Shape>, Shape> outputShape,
            Kernels kernels) {
        this.name = name;
        this.fallback = fallback;
        this.backward = backward;
        this.outputShape = outputShape;
        this.kernels = kernels;
    }

    /**
     * An op called {@code name} (what kernels register under; qualify it, e.g. {@code "acme.softplus"})
     * with no fallback, no backward and the installed kernels.
     */
    public static CustomOp named(String name) {
        checkArgument(name != null && !name.isBlank(), "a custom op needs a non-blank name");
        return new CustomOp(name, null, null, null, null);
    }

    /** This op with {@code fallback} for backends that have no kernel. */
    public CustomOp withFallback(Function<List<Tensor>, Tensor> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return withFallback((in, attributes) -> fallback.apply(in));
    }

    /** This op with {@code fallback}, which reads the attributes, for backends that have no kernel. */
    public CustomOp withFallback(Composite fallback) {
        return new CustomOp(name, Objects.requireNonNull(fallback, "fallback"), backward, outputShape, kernels);
    }

    /** This op with a hand-written backward rule (run in a no-grad scope). */
    public CustomOp withBackward(CustomFunction.Backward backward) {
        Objects.requireNonNull(backward, "backward");
        return withBackward((g, in, out, attributes) -> backward.apply(g, in, out));
    }

    /** This op with a hand-written backward rule that reads the attributes. */
    public CustomOp withBackward(Backward backward) {
        return new CustomOp(name, fallback, Objects.requireNonNull(backward, "backward"), outputShape, kernels);
    }

    /** This op with its output's shape computed from the inputs' shapes (default: broadcast together). */
    public CustomOp withOutputShape(Function<List<Shape>, Shape> outputShape) {
        return new CustomOp(name, fallback, backward, Objects.requireNonNull(outputShape, "outputShape"), kernels);
    }

    /** This op choosing among {@code kernels} instead of {@link Kernels#installed()}. */
    public CustomOp withKernels(Kernels kernels) {
        return new CustomOp(name, fallback, backward, outputShape, Objects.requireNonNull(kernels, "kernels"));
    }

    /** The op's name. */
    public String name() {
        return name;
    }

    /** Whether the op has a portable fallback. */
    public boolean hasFallback() {
        return fallback != null;
    }

    /** Whether the op has a hand-written backward rule. */
    public boolean hasBackward() {
        return backward != null;
    }

    /** The kernels this op chooses from. */
    public Kernels kernels() {
        return kernels != null ? kernels : Kernels.installed();
    }

    /** The kernel registered for this op on the backend named {@code backend}, if any. */
    public Optional<KernelProvider> kernelFor(String backend) {
        return kernels().find(name, backend);
    }

    /** {@link #apply(List, Map)} without attributes. */
    public Tensor apply(Tensor... inputs) {
        return apply(List.of(inputs), Map.of());
    }

    /**
     * Runs the op on {@code inputs} with scalar {@code attributes} (passed to the kernel, the fallback
     * and the backward).
     *
     * @throws IllegalArgumentException if there are no inputs or they are on different devices
     * @throws IllegalStateException when neither a usable kernel nor a fallback exists for the inputs'
     *     backend, naming the op, the backend and the backends with a kernel
     */
    public Tensor apply(List<? extends Tensor> inputs, Map<String, Double> attributes) {
        Objects.requireNonNull(inputs, "inputs");
        checkArgument(!inputs.isEmpty(), "custom op '%s' needs at least one input", name);
        ImmutableMap<String, Double> attrs = ImmutableMap.copyOf(Objects.requireNonNull(attributes, "attributes"));
        List<Tensor> in = List.copyOf(inputs);
        DenseTensor first = DenseTensor.cast(in.get(0), name);
        boolean needsGrad = false;
        for (Tensor t : in) {
            DenseTensor d = DenseTensor.cast(t, name);
            first.checkSameDevice(name, d);
            needsGrad |= d.requiresGrad();
        }
        needsGrad &= !NoGrad.isActive();
        BackendDevice device = first.backendDevice();
        String backendName = device.backend().name();

        Optional<KernelProvider> kernel = kernels().find(name, backendName);
        if (kernel.isPresent() && (backward != null || !needsGrad)) {
            Shape shape = shapeOf(in);
            DType dtype = first.dtype();
            if (backward != null) {
                return record(in, attrs, ins -> runKernelOrFallback(kernel.get(), ins, attrs, shape, dtype,
                        backendName));
            }
            Optional<Tensor> viaKernel = NoGrad.run(() -> tryKernel(kernel.get(), in, attrs, shape, dtype));
            if (viaKernel.isPresent()) {
                return viaKernel.get();
            }
        }
        if (fallback != null) {
            if (backward != null) {
                return record(in, attrs, ins -> fallback.apply(ins, attrs));
            }
            return fallback.apply(in, attrs);
        }
        throw missing(backendName, kernel.isPresent(), needsGrad);
    }

    private Tensor record(List<Tensor> in, ImmutableMap<String, Double> attrs, Function<List<Tensor>, Tensor> forward) {
        return CustomFunction.apply(name, in, forward, (g, ins, out) -> backward.apply(g, ins, out, attrs));
    }

    /** The recorded forward of an op with a backward rule: the kernel, else (it declined) the fallback. */
    private Tensor runKernelOrFallback(KernelProvider kernel, List<Tensor> in, ImmutableMap<String, Double> attrs,
            Shape shape, DType dtype, String backendName) {
        Optional<Tensor> out = tryKernel(kernel, in, attrs, shape, dtype);
        if (out.isPresent()) {
            return out.get();
        }
        if (fallback == null) {
            throw missing(backendName, true, false);
        }
        return fallback.apply(in, attrs);
    }

    /** Runs the kernel (in the caller's no-grad scope); empty when it declines the operands. */
    private Optional<Tensor> tryKernel(KernelProvider kernel, List<Tensor> in, Map<String, Double> attrs, Shape shape,
            DType dtype) {
        List<DenseTensor> dense = new ArrayList<>(in.size());
        List<DenseTensor> copies = new ArrayList<>();
        DenseTensor out = null;
        try {
            List<StridedView> views = new ArrayList<>(in.size());
            for (Tensor t : in) {
                DenseTensor d = DenseTensor.cast(t, name);
                DenseTensor c = d.contiguous();
                if (c != d) {
                    copies.add(c);
                }
                dense.add(c);
                views.add(c.view());
            }
            out = DenseTensor.empty(first(dense).backendDevice(), dtype, shape);
            List<StridedView> inputViews = List.copyOf(views);
            if (!supports(kernel, inputViews, out.view())) {
                out.close();
                out = null;
                return Optional.empty();
            }
            if (shape.numel() > 0) {
                kernel.run(first(dense).backend(), inputViews, out.view(), attrs);
            }
            DenseTensor result = out;
            out = null;
            return Optional.of(result);
        } finally {
            if (out != null) {
                out.close();
            }
            copies.forEach(DenseTensor::close);
        }
    }

    private static boolean supports(KernelProvider kernel, List<StridedView> inputs, StridedView output) {
        try {
            return kernel.supports(inputs, output);
        } catch (RuntimeException e) {
            return false; // the SPI says supports never throws; one that does is not trusted with the data
        }
    }

    private Shape shapeOf(List<Tensor> in) {
        List<Shape> shapes = in.stream().map(Tensor::shape).toList();
        if (outputShape != null) {
            return Objects.requireNonNull(outputShape.apply(shapes), () -> "output shape of custom op '" + name + "'");
        }
        Shape s = shapes.get(0);
        for (int i = 1; i < shapes.size(); i++) {
            s = DenseTensor.broadcastShape(name, s, shapes.get(i));
        }
        return s;
    }

    private IllegalStateException missing(String backendName, boolean hasKernel, boolean needsGrad) {
        if (hasKernel && needsGrad) {
            return new IllegalStateException("custom op '" + name + "' has a kernel for backend '" + backendName
                    + "' but no backward rule and no fallback, and its inputs require gradients; add withBackward(...) "
                    + "or withFallback(...), or call it in a NoGrad scope");
        }
        var with = kernels().backendsFor(name);
        return new IllegalStateException("custom op '" + name + "' has no kernel for backend '" + backendName + "'"
                + (hasKernel ? " that supports these operands" : "") + " and no fallback; "
                + (with.isEmpty()
                        ? "no backend has a kernel for it (register a " + KernelProvider.class.getName()
                                + " in META-INF/services). Add withFallback(...)"
                        : "kernels exist for: " + String.join(", ", with)
                                + ". Add withFallback(...) or run on one of those backends"));
    }

    private static DenseTensor first(List<DenseTensor> dense) {
        return dense.get(0);
    }

    @Override
    public String toString() {
        return "CustomOp[" + name + (fallback != null ? ", fallback" : "") + (backward != null ? ", backward" : "")
                + "]";
    }
}

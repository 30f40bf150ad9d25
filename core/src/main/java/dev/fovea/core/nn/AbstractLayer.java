package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.TensorScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The base of Fovea's layers (and the easiest way to write a custom one): keeps the layer's named
 * parameters, buffers and children in registration order, propagates the training flag, and prints
 * the layer tree like PyTorch's {@code repr}.
 *
 * <pre>{@code
 * final class Scale extends AbstractLayer {
 *     Scale(ScaleConfig config, Device device) {
 *         super(config);
 *         registerParameter("factor", Tensors.ones(device, DType.FLOAT32, Shape.of(1)));
 *     }
 *     public Tensor forward(Tensor x) {   // [...] -> [...]
 *         return x.mul(parameter("factor"));
 *     }
 * }
 * }</pre>
 *
 * <p>Forward passes should read parameters through {@link #parameter(String)} at call time (not cache
 * them in fields), so that {@link Layers#functionalCall} can substitute them. Layers start in training
 * mode, like PyTorch modules. A layer instance is not meant to run forward passes on several threads at
 * once.
 */
public abstract class AbstractLayer implements Layer {
    private final String typeName;
    private final LayerConfig<?> config;
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Layer> children = new LinkedHashMap<>();
    private final Map<String, Tensor> parametersView = Collections.unmodifiableMap(parameters);
    private final Map<String, Tensor> buffersView = Collections.unmodifiableMap(buffers);
    private final Map<String, Layer> childrenView = Collections.unmodifiableMap(children);
    private boolean training = true;

    /** A layer built from {@code config}; its type name is {@code config.type()}. */
    protected AbstractLayer(LayerConfig<?> config) {
        this.config = Objects.requireNonNull(config, "config");
        this.typeName = config.type();
    }

    /**
     * A layer whose config is computed on demand: subclasses using this constructor override
     * {@link #config()}.
     */
    protected AbstractLayer(String typeName) {
        checkArgument(typeName != null && !typeName.isBlank(), "layer type name must not be blank");
        this.config = null;
        this.typeName = typeName;
    }

    /** The config this layer was built from; {@code config().init(...)} builds a fresh copy. */
    public LayerConfig<?> config() {
        if (config == null) {
            throw new IllegalStateException(typeName + " has no LayerConfig");
        }
        return config;
    }

    /** The layer's type name, e.g. {@code "Conv2d"}. */
    public final String typeName() {
        return typeName;
    }

    // ---- Registration --------------------------------------------------------------------------

    private void checkName(String name) {
        checkArgument(name != null && !name.isEmpty() && !name.contains("."),
                "%s: names of parameters, buffers and children must be non-empty and contain no '.', got '%s'",
                typeName, name);
        checkArgument(!parameters.containsKey(name) && !buffers.containsKey(name) && !children.containsKey(name),
                "%s: the name '%s' is already registered", typeName, name);
    }

    /**
     * Adds a trainable tensor under {@code name} and returns it marked {@code requiresGrad(true)}.
     *
     * @throws IllegalArgumentException if the name is taken or the tensor is not a floating-point leaf
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "parameter " + name);
        checkArgument(value.isLeaf() && value.dtype().isFloatingPoint(),
                "%s: parameter '%s' must be a floating-point leaf tensor, got %s", typeName, name, value);
        if (!value.requiresGrad()) {
            value.requiresGrad(true);
        }
        parameters.put(name, TensorScope.untrack(value));
        return value;
    }

    /** Adds a non-trainable state tensor (e.g. running statistics) under {@code name} and returns it. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        Objects.requireNonNull(value, "buffer " + name);
        checkArgument(!value.requiresGrad(), "%s: buffer '%s' must not require a gradient", typeName, name);
        buffers.put(name, TensorScope.untrack(value));
        return value;
    }

    /** Adds a sub-layer under {@code name} and returns it; it takes this layer's training mode. */
    protected final <L extends Layer> L registerChild(String name, L child) {
        checkName(name);
        Objects.requireNonNull(child, "child " + name);
        child.setTraining(training);
        children.put(name, child);
        return child;
    }

    /** The parameter registered as {@code name}. */
    protected final Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new IllegalArgumentException(typeName + " has no parameter '" + name + "'; it has "
                    + parameters.keySet());
        }
        return t;
    }

    /** The buffer registered as {@code name}. */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) {
            throw new IllegalArgumentException(typeName + " has no buffer '" + name + "'; it has " + buffers.keySet());
        }
        return t;
    }

    /** Puts {@code value} in place of parameter {@code name} and returns the previous one (for functional calls). */
    final Tensor swapParameter(String name, Tensor value) {
        Tensor old = parameter(name);
        parameters.put(name, value);
        return old;
    }

    /**
     * Puts {@code value} in place of the parameter or buffer {@code name}, keeping its position in the
     * order, and returns the previous tensor (for {@link Models#moveTo}). The caller checks the shape.
     */
    final Tensor rebind(String name, Tensor value) {
        if (parameters.containsKey(name)) {
            return parameters.put(name, TensorScope.untrack(value));
        }
        if (buffers.containsKey(name)) {
            return buffers.put(name, TensorScope.untrack(value));
        }
        throw new IllegalArgumentException(typeName + " has no parameter or buffer '" + name + "'");
    }

    // ---- Layer ---------------------------------------------------------------------------------

    @Override
    public final Map<String, Tensor> localParameters() {
        return parametersView;
    }

    @Override
    public final Map<String, Tensor> localBuffers() {
        return buffersView;
    }

    @Override
    public final Map<String, Layer> children() {
        return childrenView;
    }

    @Override
    public final boolean isTraining() {
        return training;
    }

    @Override
    public void setTraining(boolean training) {
        this.training = training;
        for (Layer child : children.values()) {
            child.setTraining(training);
        }
    }

    /** Shorthand for {@code setTraining(true)}. */
    public final void train() {
        setTraining(true);
    }

    /** Shorthand for {@code setTraining(false)}. */
    public final void eval() {
        setTraining(false);
    }

    // ---- Printing ------------------------------------------------------------------------------

    /** The text between the parentheses of this layer's line, e.g. {@code "1, 32, kernel_size=(5, 5)"}. */
    protected String extraRepr() {
        return "";
    }

    /** The layer tree, like PyTorch's {@code repr}: {@code Type(extra)} with one indented line per child. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(typeName).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((name, child) -> sb.append("  (").append(name).append("): ")
                    .append(child.toString().replace("\n", "\n  ")).append('\n'));
        }
        return sb.append(')').toString();
    }

    /** {@code "True"} / {@code "False"}, as PyTorch prints booleans. */
    static String py(boolean value) {
        return value ? "True" : "False";
    }

    /** {@code "(a, b)"}. */
    static String pair(int a, int b) {
        return "(" + a + ", " + b + ")";
    }
}

package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Utilities over layer trees. */
public final class Layers {
    private Layers() {}

    /** The number of trainable scalars in {@code layer} and its descendants. */
    public static long parameterCount(Layer layer) {
        return layer.parameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    /**
     * Runs {@code layer.forward(input)} with some parameters replaced by the given tensors, like
     * {@code torch.func.functional_call}; gradients then flow to the substitutes, not to the layer's own
     * tensors. The originals are back in place when the call returns or throws. Keys are dotted names as
     * in {@link Layer#parameters()}; each substitute needs the shape of the parameter it replaces.
     * Buffers are not substituted (a BatchNorm in training mode still updates its running statistics).
     * Not thread-safe with respect to other calls on the same layer.
     *
     * @throws IllegalArgumentException for an unknown name, a shape mismatch, or a parameter owned by a
     *     layer that does not extend {@link AbstractLayer}
     */
    public static Tensor functionalCall(Layer layer, Map<String, ? extends Tensor> parameters, Tensor input) {
        Objects.requireNonNull(layer, "layer");
        Map<String, Tensor> existing = layer.parameters();
        List<AbstractLayer> owners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Tensor> originals = new ArrayList<>();
        try {
            for (Map.Entry<String, ? extends Tensor> e : parameters.entrySet()) {
                String key = e.getKey();
                Tensor original = existing.get(key);
                checkArgument(original != null, "functionalCall: %s has no parameter '%s'; it has %s",
                        layerName(layer), key, existing.keySet());
                checkArgument(e.getValue() != null && e.getValue().shape().equals(original.shape()),
                        "functionalCall: parameter '%s' has shape %s, the substitute %s", key, original.shape(),
                        e.getValue() == null ? "is null" : "has " + e.getValue().shape());
                String[] path = key.split("\\.");
                Layer owner = layer;
                for (int i = 0; i < path.length - 1; i++) {
                    owner = owner.children().get(path[i]);
                }
                checkArgument(owner instanceof AbstractLayer, "functionalCall: parameter '%s' belongs to %s, which "
                        + "does not extend AbstractLayer", key, owner.getClass().getName());
                AbstractLayer a = (AbstractLayer) owner;
                String local = path[path.length - 1];
                originals.add(a.swapParameter(local, e.getValue()));
                owners.add(a);
                names.add(local);
            }
            return layer.forward(input);
        } finally {
            for (int i = owners.size() - 1; i >= 0; i--) {
                owners.get(i).swapParameter(names.get(i), originals.get(i));
            }
        }
    }

    static String layerName(Layer layer) {
        return layer instanceof AbstractLayer a ? a.typeName() : layer.getClass().getSimpleName();
    }

    /** The first line of a layer's description, for error messages. */
    static String describe(Layer layer) {
        String s = layer.toString();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + "...)";
    }
}

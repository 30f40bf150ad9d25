package dev.fovea.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A building block of a model: maps an input tensor to an output tensor with parameters it owns.
 *
 * <p>Parameters, buffers (non-trained state such as BatchNorm's running statistics) and child
 * layers are listed by name in a fixed order. Names of nested entries are joined with dots
 * ({@code features.0.weight}); state dicts, optimizers and checkpoints key on them.
 */
public interface Layer {

    /** Computes the layer's output; each implementation documents the shapes it accepts. */
    Tensor forward(Tensor input);

    /** This layer's own trainable tensors, by local name, in a fixed order. */
    default Map<String, Tensor> localParameters() {
        return Map.of();
    }

    /** This layer's own non-trainable state tensors, by local name, in a fixed order. */
    default Map<String, Tensor> localBuffers() {
        return Map.of();
    }

    /** Direct sub-layers, by local name, in a fixed order. */
    default Map<String, Layer> children() {
        return Map.of();
    }

    /** Every trainable tensor of this layer and its descendants, by dotted name, own ones first. */
    default Map<String, Tensor> parameters() {
        Map<String, Tensor> all = new LinkedHashMap<>(localParameters());
        children().forEach((name, child) ->
                child.parameters().forEach((key, value) -> all.put(name + "." + key, value)));
        return Collections.unmodifiableMap(all);
    }

    /** Every buffer of this layer and its descendants, by dotted name, own ones first. */
    default Map<String, Tensor> buffers() {
        Map<String, Tensor> all = new LinkedHashMap<>(localBuffers());
        children().forEach((name, child) ->
                child.buffers().forEach((key, value) -> all.put(name + "." + key, value)));
        return Collections.unmodifiableMap(all);
    }

    /** Whether the layer is in training mode (dropout active, batch statistics used). */
    boolean isTraining();

    /** Switches this layer and all its descendants between training and evaluation mode. */
    void setTraining(boolean training);
}

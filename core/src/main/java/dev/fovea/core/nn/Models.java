package dev.fovea.core.nn;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Operations on whole models (layer trees). */
public final class Models {
    private Models() {}

    /**
     * Moves {@code model} to {@code device} in place, like PyTorch's {@code model.to(device)}: every
     * parameter and buffer of every layer is replaced by a copy on {@code device} (same name, same
     * position in the order, same values bit for bit; parameters still require gradients) and the old
     * tensor is closed, so its memory on the old device is released now. A tensor shared by several
     * layers (tied weights) stays shared. Tensors already on {@code device} are left alone.
     *
     * <p>Gradients are not moved: the parameters start without one (move between steps, after
     * {@code optimizer.step()}). An optimizer built over the old parameters still holds them: use
     * {@code dev.fovea.core.train.Training#moveTo(Layer, Optimizer, Device)}, which moves the model
     * and rebuilds the optimizer, with its state, on the new device in one call. Random streams
     * (Dropout, initializers) are counter-based and need no moving.
     *
     * <p>Each tensor crosses through the host once (a download from the old device, an upload to the
     * new one). If a copy fails (e.g. the new device is out of memory) the copies made so far are
     * released and the model is unchanged.
     *
     * @return {@code model}
     * @throws IllegalArgumentException if a layer with parameters or buffers does not extend
     *     {@link AbstractLayer} (its tensors cannot be rebound), naming it
     */
    public static <L extends Layer> L moveTo(L model, Device device) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        List<AbstractLayer> owners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Tensor> olds = new ArrayList<>();
        collect(model, "", owners, names, olds);

        Map<Tensor, Tensor> moved = new IdentityHashMap<>();
        try {
            NoGrad.run(() -> {
                for (Tensor old : olds) {
                    if (!moved.containsKey(old) && !old.device().equals(device)) {
                        Tensor copy = old.to(device);
                        moved.put(old, copy);
                        if (old.requiresGrad()) {
                            copy.requiresGrad(true);
                        }
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            moved.values().forEach(Tensor::close);
            throw e;
        }
        for (int i = 0; i < owners.size(); i++) {
            Tensor copy = moved.get(olds.get(i));
            if (copy != null) {
                owners.get(i).rebind(names.get(i), copy);
            }
        }
        for (Tensor old : moved.keySet()) {
            Tensor grad = old.grad();
            if (grad != null) {
                grad.close();
            }
            old.close();
        }
        return model;
    }

    private static void collect(Layer layer, String path, List<AbstractLayer> owners, List<String> names,
            List<Tensor> olds) {
        boolean hasTensors = !layer.localParameters().isEmpty() || !layer.localBuffers().isEmpty();
        checkArgument(!hasTensors || layer instanceof AbstractLayer,
                "Models.moveTo: layer '%s' (%s) has parameters or buffers but does not extend AbstractLayer, so they "
                        + "cannot be rebound; extend AbstractLayer and register them", path.isEmpty() ? "<root>" : path,
                layer.getClass().getName());
        if (hasTensors) {
            AbstractLayer owner = (AbstractLayer) layer;
            for (Map<String, Tensor> local : List.of(layer.localParameters(), layer.localBuffers())) {
                local.forEach((name, tensor) -> {
                    owners.add(owner);
                    names.add(name);
                    olds.add(tensor);
                });
            }
        }
        layer.children().forEach((name, child) -> collect(child, path.isEmpty() ? name : path + "." + name, owners,
                names, olds));
    }
}

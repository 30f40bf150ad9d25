package dev.fovea.core.train;

import static com.google.common.base.Preconditions.checkArgument;

import dev.fovea.api.Device;
import dev.fovea.api.Layer;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Tensor;
import dev.fovea.core.nn.Models;
import dev.fovea.core.optim.AbstractOptimizer;
import dev.fovea.core.optim.OptimizerState;
import dev.fovea.core.optim.Optimizers;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Operations on a model together with its optimizer. */
public final class Training {
    private Training() {}

    /**
     * Moves a model <em>and its optimizer state</em> to another device in one call, e.g. from the CPU to
     * OpenCL halfway through training:
     *
     * <pre>{@code
     * optimizer = Training.moveTo(model, optimizer, Devices.get("opencl"));
     * trainer.fit(model, Losses::crossEntropy, optimizer, loaderOnOpenCl, null, epoch, batch);
     * }</pre>
     *
     * <p>Takes the optimizer's {@link AbstractOptimizer#state() state} (momentum buffers, moment
     * estimates, step counts, learning rate: copied to the host exactly), moves the model with
     * {@link Models#moveTo}, builds the same optimizer over the moved parameters with
     * {@link Optimizers#fromState} (state uploaded to the new device) and releases the old optimizer's
     * state. Training then continues as if nothing had happened, up to the new device's rounding
     * (summation orders differ between backends, so losses agree to float32 tolerance, not bit for bit).
     *
     * <p>Use the returned optimizer from now on; the old one is emptied and its parameters are closed.
     * A learning-rate scheduler wraps an optimizer: build a new one over the returned optimizer and
     * {@code load} the old one's {@code state()}. Random streams are counter-based: nothing to move.
     *
     * @return the optimizer, rebuilt on {@code device} with the old one's state
     * @throws IllegalArgumentException if {@code optimizer} is not an {@link AbstractOptimizer}, or
     *     updates a tensor that is not a parameter of {@code model}
     */
    public static AbstractOptimizer moveTo(Layer model, Optimizer optimizer, Device device) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(device, "device");
        checkArgument(optimizer instanceof AbstractOptimizer,
                "Training.moveTo: the optimizer %s is not an AbstractOptimizer, whose state can be saved and rebuilt",
                optimizer.getClass().getName());
        AbstractOptimizer old = (AbstractOptimizer) optimizer;

        // Which model parameter each of the optimizer's parameters is, by identity (names may differ).
        Map<Tensor, String> modelNames = new IdentityHashMap<>();
        model.parameters().forEach((name, p) -> modelNames.putIfAbsent(p, name));
        Map<String, String> optimizerToModel = new LinkedHashMap<>();
        old.namedParameters().forEach((name, p) -> {
            String modelName = modelNames.get(p);
            checkArgument(modelName != null, "Training.moveTo: the optimizer's parameter '%s' %s is not a parameter of "
                    + "the model, so moving the model would not move it", name, p.shape());
            optimizerToModel.put(name, modelName);
        });

        OptimizerState state = old.state();
        Models.moveTo(model, device);
        Map<String, Tensor> moved = model.parameters();
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        optimizerToModel.forEach((name, modelName) -> parameters.put(name, moved.get(modelName)));
        AbstractOptimizer rebuilt = Optimizers.fromState(state, parameters);
        old.clearState();
        return rebuilt;
    }
}

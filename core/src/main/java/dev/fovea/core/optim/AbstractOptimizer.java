package dev.fovea.core.optim;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.fovea.api.DType;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.TensorScope;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every Fovea optimizer shares: named parameters in a fixed order, the learning rate, the step
 * count, per-parameter state tensors kept on each parameter's device, and taking and restoring that
 * state ({@link #state()}, {@link #load}).
 *
 * <p>{@link #step()} runs inside a {@link NoGrad} scope, skips parameters whose gradient is
 * {@code null}, and writes each parameter in place ({@link Tensor#assign}), so layers, views and
 * other holders of the parameter see the new values. The update is computed with tensor operations
 * on the parameter's device: no host transfers.
 *
 * <p>A subclass implements {@link #update} for one parameter. Temporaries it registers with
 * {@link #temp} are closed after that parameter's update, so device memory is released at once.
 * Optimizers are not thread-safe.
 */
public abstract class AbstractOptimizer implements Optimizer {
    private final String type;
    private final ImmutableMap<String, Tensor> parameters;
    private double learningRate;
    private long steps;
    private final Map<String, ParameterState> state = new LinkedHashMap<>();
    private final List<Tensor> temporaries = new ArrayList<>();

    /**
     * @param type        the name written into {@link OptimizerState#type()}
     * @param parameters  named parameters in a fixed order (e.g. {@code Layer.parameters()}); a tensor
     *                    listed twice (tied weights) is updated once, under its first name
     * @param learningRate the initial learning rate
     */
    protected AbstractOptimizer(String type, Map<String, ? extends Tensor> parameters, double learningRate) {
        this.type = Objects.requireNonNull(type, "type");
        Objects.requireNonNull(parameters, type + ": parameters");
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(type + ": got an empty parameter map; pass model.parameters() of a "
                    + "model that has parameters");
        }
        Map<Tensor, String> seen = new IdentityHashMap<>();
        ImmutableMap.Builder<String, Tensor> kept = ImmutableMap.builder();
        parameters.forEach((name, p) -> {
            Objects.requireNonNull(name, type + ": parameter name");
            if (p == null) {
                throw new IllegalArgumentException(type + ": parameter '" + name + "' is null");
            }
            if (!p.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(type + ": parameter '" + name + "' is " + p.dtype()
                        + "; only FLOAT32 and FLOAT64 tensors can be optimized");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(type + ": parameter '" + name + "' was computed by an operation; "
                        + "optimizers update leaf tensors (detach() it or create it with Tensors)");
            }
            if (seen.putIfAbsent(p, name) == null) {
                kept.put(name, p);
            }
        });
        this.parameters = kept.buildOrThrow();
        this.learningRate = Checks.learningRate(type, learningRate);
    }

    // ---- What subclasses provide -----------------------------------------------------------------

    /**
     * Updates one parameter from its gradient. Runs inside a no-grad scope.
     *
     * @param parameter the parameter, to be written with {@link Tensor#assign}
     * @param gradient  its gradient (never null; do not modify it)
     * @param state     its state, empty on its first update
     */
    protected abstract void update(Tensor parameter, Tensor gradient, ParameterState state);

    /** The tensor slots (each of the parameter's shape) this configuration keeps per parameter, in order. */
    protected abstract List<String> tensorSlots();

    /** Whether a per-parameter step count is kept (and exported as the scalar slot {@code "step"}). */
    protected boolean countsParameterSteps() {
        return false;
    }

    /** Numeric hyper-parameters other than the learning rate, by name, in a fixed order. */
    protected abstract Map<String, Double> hyperParameters();

    /** Boolean hyper-parameters by name. */
    protected Map<String, Boolean> flags() {
        return Map.of();
    }

    /** Registers an intermediate tensor to be closed once the current parameter's update is done. */
    protected final <T extends Tensor> T temp(T tensor) {
        temporaries.add(tensor);
        return tensor;
    }

    // ---- Optimizer -------------------------------------------------------------------------------

    @Override
    @SuppressWarnings("try") // the scope brackets the updates
    public final void step() {
        try (NoGrad scope = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                if (!g.shape().equals(p.shape())) {
                    throw new IllegalStateException(type + ": gradient of '" + e.getKey() + "' has shape " + g.shape()
                            + " but the parameter has shape " + p.shape());
                }
                ParameterState s = state.computeIfAbsent(e.getKey(), k -> new ParameterState());
                try {
                    update(p, g, s);
                } finally {
                    closeTemporaries();
                }
            }
        }
        steps++;
    }

    private void closeTemporaries() {
        for (int i = temporaries.size() - 1; i >= 0; i--) {
            temporaries.get(i).close();
        }
        temporaries.clear();
    }

    @Override
    public void zeroGrad() {
        for (Tensor p : parameters.values()) {
            p.zeroGrad();
        }
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.learningRate = Checks.learningRate(type, learningRate);
    }

    @Override
    public List<Tensor> parameters() {
        return ImmutableList.copyOf(parameters.values());
    }

    /** The parameters by name, in the optimizer's order. */
    public Map<String, Tensor> namedParameters() {
        return parameters;
    }

    /**
     * Closes every per-parameter state tensor (momentum buffers, moment estimates) and forgets it, so
     * that its device memory is released now; the next {@link #step()} starts each parameter afresh.
     * The learning rate and step count stay. {@code Training.moveTo} calls it on the optimizer it
     * replaces.
     */
    public void clearState() {
        state.values().forEach(ParameterState::clear);
        state.clear();
    }

    /** The name of this optimizer ({@link OptimizerState#type()}). */
    public String type() {
        return type;
    }

    /** How many times {@link #step()} has run (including restored steps). */
    public long steps() {
        return steps;
    }

    // ---- State -----------------------------------------------------------------------------------

    /**
     * A host snapshot of this optimizer: type, hyper-parameters (the learning rate as {@code "lr"}),
     * step count, parameter shapes and per-parameter state tensors. Downloads every state tensor
     * once; meant for checkpoints, not for every step.
     */
    public OptimizerState state() {
        Map<String, Double> hyper = new LinkedHashMap<>();
        hyper.put("lr", learningRate);
        hyper.putAll(hyperParameters());
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, StateTensor> tensors = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            shapes.put(name, p.shape());
            ParameterState s = state.get(name);
            if (s == null || s.isEmpty()) {
                return;
            }
            for (String slot : tensorSlots()) {
                Tensor t = s.get(slot);
                if (t != null) {
                    tensors.put(name + "." + slot, StateTensor.copyOf(t));
                }
            }
            if (countsParameterSteps()) {
                tensors.put(name + ".step", StateTensor.scalar(s.step()));
            }
        });
        return new OptimizerState(type, hyper, flags(), steps, shapes, tensors);
    }

    /**
     * Restores a snapshot taken by {@link #state()} of an optimizer of the same type and settings over
     * parameters with the same names and shapes. Restores the learning rate, the step count and every
     * state tensor (uploaded to its parameter's device, in the parameter's dtype); parameters without
     * state in the snapshot start afresh. Nothing changes if validation fails.
     *
     * @throws IllegalArgumentException naming the mismatch: another optimizer type, a parameter missing,
     *     extra or of another shape, a hyper-parameter that differs (build the optimizer with the saved
     *     settings, or use {@link Optimizers#fromState}), or a state tensor that is unknown, missing or
     *     of the wrong shape
     */
    public void load(OptimizerState saved) {
        Objects.requireNonNull(saved, "state");
        String who = type + ".load";
        if (!saved.type().equals(type)) {
            throw new IllegalArgumentException(who + ": the state is of a " + saved.type() + " optimizer, this one is "
                    + type);
        }
        checkParameters(who, saved.parameterShapes());
        checkSettings(who, saved);
        double lr = saved.learningRate();
        Checks.learningRate(who, lr);

        Set<String> slots = new LinkedHashSet<>(tensorSlots());
        if (countsParameterSteps()) {
            slots.add("step");
        }
        Map<String, Map<String, StateTensor>> byParameter = new LinkedHashMap<>();
        saved.tensors().forEach((key, value) -> {
            int dot = key.lastIndexOf('.');
            String name = dot < 0 ? "" : key.substring(0, dot);
            String slot = key.substring(dot + 1);
            Tensor p = parameters.get(name);
            if (p == null) {
                throw new IllegalArgumentException(who + ": state tensor '" + key + "' names no parameter of this "
                        + "optimizer (expected '<parameter>.<slot>' with a parameter among " + parameters.keySet() + ")");
            }
            if (!slots.contains(slot)) {
                throw new IllegalArgumentException(who + ": state tensor '" + key + "' has slot '" + slot + "', but this "
                        + type + " keeps " + slots + " per parameter");
            }
            Shape expected = slot.equals("step") ? Shape.scalar() : p.shape();
            if (!value.shape().equals(expected)) {
                throw new IllegalArgumentException(who + ": state tensor '" + key + "' has shape " + value.shape()
                        + ", expected " + expected + (slot.equals("step") ? "" : " (the shape of parameter '" + name + "')"));
            }
            if (slot.equals("step")) {
                double v = value.item();
                if (!(v >= 0 && v == Math.rint(v) && v <= 0x1p53)) {
                    throw new IllegalArgumentException(who + ": state tensor '" + key + "' must hold a whole step count "
                            + ">= 0, got " + v);
                }
            }
            byParameter.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(slot, value);
        });
        byParameter.forEach((name, present) -> {
            for (String slot : slots) {
                if (!present.containsKey(slot)) {
                    throw new IllegalArgumentException(who + ": the state of parameter '" + name + "' lacks '" + name
                            + "." + slot + "' (a " + type + " with these settings keeps " + slots + ")");
                }
            }
        });

        // Validated: build the new state on the devices, then swap it in.
        Map<String, ParameterState> restored = new LinkedHashMap<>();
        try {
            byParameter.forEach((name, present) -> {
                Tensor p = parameters.get(name);
                ParameterState s = new ParameterState();
                restored.put(name, s);
                present.forEach((slot, value) -> {
                    if (slot.equals("step")) {
                        s.step = (long) value.item();
                    } else {
                        s.put(slot, upload(p, value));
                    }
                });
            });
        } catch (RuntimeException e) {
            restored.values().forEach(ParameterState::clear);
            throw e;
        }
        state.values().forEach(ParameterState::clear);
        state.clear();
        state.putAll(restored);
        learningRate = lr;
        steps = saved.steps();
    }

    private static Tensor upload(Tensor like, StateTensor value) {
        int[] dims = like.shape().dims();
        if (like.dtype() == DType.FLOAT32) {
            return Tensors.of(like.device(), value.toFloatArray(), dims);
        }
        return Tensors.of(like.device(), value.toDoubleArray(), dims);
    }

    private void checkParameters(String who, Map<String, Shape> saved) {
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            Shape s = saved.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException(who + ": the state has no parameter '" + e.getKey()
                        + "', which this optimizer updates; the state holds " + saved.keySet());
            }
            if (!s.equals(e.getValue().shape())) {
                throw new IllegalArgumentException(who + ": parameter '" + e.getKey() + "' has shape "
                        + e.getValue().shape() + " here but " + s + " in the state");
            }
        }
        for (String name : saved.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException(who + ": the state's parameter '" + name
                        + "' is not among this optimizer's parameters " + parameters.keySet());
            }
        }
    }

    private void checkSettings(String who, OptimizerState saved) {
        Map<String, Double> ours = hyperParameters();
        checkSameKeys(who, "hyper-parameter", ours.keySet(), saved.hyperParameters().keySet(), Set.of("lr"));
        ours.forEach((name, value) -> {
            double theirs = saved.hyperParameters().get(name);
            if (Double.compare(value, theirs) != 0) {
                throw new IllegalArgumentException(who + ": hyper-parameter " + name + " is " + theirs + " in the state "
                        + "but " + value + " here; build the optimizer with the saved settings "
                        + "(Optimizers.fromState does)");
            }
        });
        Map<String, Boolean> ourFlags = flags();
        checkSameKeys(who, "flag", ourFlags.keySet(), saved.flags().keySet(), Set.of());
        ourFlags.forEach((name, value) -> {
            if (!value.equals(saved.flags().get(name))) {
                throw new IllegalArgumentException(who + ": " + name + " is " + saved.flags().get(name) + " in the state "
                        + "but " + value + " here; build the optimizer with the saved settings "
                        + "(Optimizers.fromState does)");
            }
        });
    }

    private static void checkSameKeys(String who, String what, Set<String> ours, Set<String> theirs, Set<String> extra) {
        for (String name : ours) {
            if (!theirs.contains(name)) {
                throw new IllegalArgumentException(who + ": the state lacks " + what + " '" + name + "'");
            }
        }
        for (String name : theirs) {
            if (!ours.contains(name) && !extra.contains(name)) {
                throw new IllegalArgumentException(who + ": the state has " + what + " '" + name
                        + "', which this optimizer does not know");
            }
        }
        for (String name : extra) {
            if (!theirs.contains(name)) {
                throw new IllegalArgumentException(who + ": the state lacks " + what + " '" + name + "'");
            }
        }
    }

    @Override
    public String toString() {
        return type + hyperParameters() + (flags().isEmpty() ? "" : flags().toString()) + " lr=" + learningRate
                + " over " + parameters.size() + " parameters";
    }

    // ---- Per-parameter state ----------------------------------------------------------------------

    /**
     * The state an optimizer keeps for one parameter: named tensors on the parameter's device and a
     * step count. Replacing a tensor closes the one it replaces.
     */
    protected static final class ParameterState {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();
        private long step;

        ParameterState() {}

        /** The tensor in {@code slot}, or {@code null} before it is first set. */
        public Tensor get(String slot) {
            return tensors.get(slot);
        }

        /** The tensor in {@code slot}, created as zeros like {@code parameter} if absent. */
        public Tensor getOrZeros(String slot, Tensor parameter) {
            return tensors.computeIfAbsent(slot, k -> TensorScope.untrack(Tensors.zerosLike(parameter)));
        }

        /** Stores {@code tensor} (which the state now owns) in {@code slot}, closing the previous one. */
        public void put(String slot, Tensor tensor) {
            Tensor old = tensors.put(slot, TensorScope.untrack(tensor));
            if (old != null && old != tensor) {
                old.close();
            }
        }

        /** Increments and returns this parameter's step count. */
        public long incrementStep() {
            return ++step;
        }

        /** How many updates this parameter has had (when the optimizer counts them). */
        public long step() {
            return step;
        }

        boolean isEmpty() {
            return tensors.isEmpty() && step == 0;
        }

        /** The slot names present, in insertion order. */
        public Set<String> slots() {
            return Collections.unmodifiableSet(tensors.keySet());
        }

        void clear() {
            tensors.values().forEach(Tensor::close);
            tensors.clear();
            step = 0;
        }
    }
}

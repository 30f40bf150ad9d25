package dev.fovea.core.tensor;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import dev.fovea.core.device.BackendDevice;
import java.lang.ref.Cleaner;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Fovea's {@link Tensor}: a {@link StridedView} onto reference-counted device storage, on one
 * {@link BackendDevice}, with reverse-mode automatic differentiation.
 *
 * <p><b>Memory.</b> Views ({@link #transpose}, {@link #permute}, {@link #slice}, {@link #expand},
 * {@link #unsqueeze}, {@link #squeeze}, {@link #reshape} of contiguous data, {@link #detach}) share
 * the storage of the tensor they come from and never copy. Each tensor holds one reference to the
 * storage; the device buffer is released when the last tensor using it is {@link #close() closed},
 * or, as a safety net, when it becomes unreachable ({@link Cleaner}).
 *
 * <p><b>Autograd.</b> Every operation whose inputs require gradients (outside a {@link NoGrad}
 * scope) records a {@link Node} with its inputs and a backward rule written right beside the
 * forward code. {@link #backward(Tensor, boolean)} walks the graph in reverse topological order
 * (iteratively, so deep graphs cannot overflow the stack), calls each rule once with the summed
 * gradient of its result, and accumulates into the {@link #grad()} of leaves that require gradients.
 * Rules compute gradients only for inputs that require them. Backward rules run in a no-grad scope:
 * gradients are plain tensors without graph (no higher-order derivatives).
 *
 * <p><b>Types.</b> Arithmetic needs FLOAT32 or FLOAT64 operands of the same dtype (there is no
 * implicit promotion) on the same device. INT32 tensors can be created, converted
 * ({@link #to(DType)}), reshaped and viewed, compared and read back.
 */
public final class DenseTensor implements Tensor {
    private static final Cleaner CLEANER = Cleaner.create();

    private final BackendDevice device;
    private final Storage storage;
    private final StridedView view;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;
    /** The {@link TensorScope} that closes this tensor, or null. */
    TensorScope scope;

    private boolean requiresGrad;
    private Node node;
    private DenseTensor grad;

    DenseTensor(BackendDevice device, Storage storage, StridedView view) {
        this.device = device;
        this.storage = storage;
        this.view = view;
        storage.retain();
        this.cleanable = CLEANER.register(this, new Storage.Reference(storage));
        TensorScope.track(this);
    }

    // ---- Creation (package) ----------------------------------------------------------------------

    /** A new contiguous tensor with unspecified contents. */
    static DenseTensor empty(BackendDevice device, DType dtype, Shape shape) {
        DeviceBuffer buffer = device.backend().allocate(dtype, Math.max(1, shape.numel()));
        Storage storage = new Storage(buffer);
        try {
            return new DenseTensor(device, storage, StridedView.contiguous(buffer, shape));
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    static DenseTensor filled(BackendDevice device, DType dtype, Shape shape, double value) {
        DenseTensor t = empty(device, dtype, shape);
        if (shape.numel() > 0) {
            device.backend().fill(t.view, value);
        }
        return t;
    }

    static DenseTensor fromHost(BackendDevice device, float[] data, Shape shape) {
        DenseTensor t = empty(device, DType.FLOAT32, shape);
        if (data.length > 0) {
            device.backend().upload(FloatBuffer.wrap(data), t.view.buffer(), 0);
        }
        return t;
    }

    static DenseTensor fromHost(BackendDevice device, double[] data, Shape shape) {
        DenseTensor t = empty(device, DType.FLOAT64, shape);
        if (data.length > 0) {
            device.backend().upload(DoubleBuffer.wrap(data), t.view.buffer(), 0);
        }
        return t;
    }

    static DenseTensor fromHost(BackendDevice device, int[] data, Shape shape) {
        DenseTensor t = empty(device, DType.INT32, shape);
        if (data.length > 0) {
            device.backend().upload(IntBuffer.wrap(data), t.view.buffer(), 0);
        }
        return t;
    }

    /** Above this length a ramp is uploaded: the on-device construction costs n² additions. */
    private static final int DEVICE_RAMP_LIMIT = 4096;

    /**
     * {@code 0, 1, ..., n-1} in {@code dtype}. Float ramps up to {@value #DEVICE_RAMP_LIMIT} long are
     * built on the device from primitives, so that ops needing an index ramp (max backward, one-hot
     * labels) make no host transfer in a training step: a buffer {@code b} of n-1 zeros then n ones,
     * seen as the overlapping [n, n] view {@code v[i][j] = b[i + j]}, has row sums {@code i + 1}.
     */
    static DenseTensor ramp(BackendDevice device, DType dtype, int n) {
        if (dtype.isFloatingPoint() && n > 0 && n <= DEVICE_RAMP_LIMIT) {
            Backend backend = device.backend();
            DenseTensor ones = empty(device, dtype, Shape.of(2 * n - 1));
            DenseTensor sums = empty(device, dtype, Shape.of(n, 1));
            try {
                DeviceBuffer b = ones.view.buffer();
                if (n > 1) {
                    backend.fill(new StridedView(b, 0, Shape.of(n - 1), new long[] {1}), 0);
                }
                backend.fill(new StridedView(b, n - 1, Shape.of(n), new long[] {1}), 1);
                backend.reduce(ReduceOp.SUM, new StridedView(b, 0, Shape.of(n, n), new long[] {1, 1}),
                        new int[] {1}, sums.view);
                DenseTensor one = filled(device, dtype, Shape.of(1, 1), 1.0);
                DenseTensor out = empty(device, dtype, Shape.of(n));
                try {
                    backend.binary(BinaryOp.SUB, sums.view, one.broadcastTo(Shape.of(n, 1)),
                            new StridedView(out.view.buffer(), 0, Shape.of(n, 1), new long[] {1, 1}));
                } finally {
                    one.close();
                }
                return out;
            } finally {
                ones.close();
                sums.close();
            }
        }
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i;
                }
                return fromHost(device, v, Shape.of(n));
            }
            case FLOAT64: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i;
                }
                return fromHost(device, v, Shape.of(n));
            }
            default: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i;
                }
                return fromHost(device, v, Shape.of(n));
            }
        }
    }

    /**
     * A 1-element tensor filled by a kernel (no host upload), of this tensor's dtype and device.
     * Constants are shared through a small per-device cache, so that {@code x.mul(lr)} in every
     * training step does not allocate (and leave to the garbage collector) a fresh device buffer.
     */
    DenseTensor constant(double value) {
        return Constants.get(device, view.dtype(), value);
    }

    static BackendDevice backendDevice(Device device, String op) {
        if (device instanceof BackendDevice bd) {
            return bd;
        }
        throw new IllegalArgumentException(op + ": device " + (device == null ? "null" : device.name())
                + " is not a device opened by Fovea's registry; get one from Devices.get(...)");
    }

    static DenseTensor cast(Tensor t, String op) {
        if (t instanceof DenseTensor d) {
            return d;
        }
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor argument is null");
        }
        throw new IllegalArgumentException(op + ": " + t.getClass().getName()
                + " is not a Fovea core tensor; create tensors with dev.fovea.core.tensor.Tensors");
    }

    // ---- Internals shared with the package ------------------------------------------------------

    StridedView view() {
        checkOpen();
        return view;
    }

    Backend backend() {
        return device.backend();
    }

    BackendDevice backendDevice() {
        return device;
    }

    Node node() {
        return node;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("tensor " + view.shape() + " " + view.dtype() + " on " + device.name()
                    + " was closed; it can no longer be used");
        }
    }

    /** A new tensor sharing this storage through {@code newView}, without graph. */
    DenseTensor alias(StridedView newView) {
        checkOpen();
        return new DenseTensor(device, storage, newView);
    }

    private DenseTensor alias(Shape shape, long offset, long[] strides) {
        return alias(new StridedView(view.buffer(), offset, shape, strides));
    }

    /**
     * Marks {@code out} as produced by {@code op} from {@code parents} with the given backward rule,
     * unless gradients are off or no parent requires one.
     */
    static DenseTensor record(DenseTensor out, String op, Node.Rule rule, DenseTensor... parents) {
        if (NoGrad.isActive()) {
            return out;
        }
        boolean any = false;
        for (DenseTensor p : parents) {
            if (p != null && p.requiresGrad) {
                any = true;
                break;
            }
        }
        if (!any) {
            return out;
        }
        out.node = new Node(op, parents, rule);
        out.requiresGrad = true;
        return out;
    }

    void checkSameDevice(String op, DenseTensor other) {
        if (other.device != device) {
            throw new IllegalArgumentException(op + ": tensors are on different devices, " + device.name() + " and "
                    + other.device.name() + "; move one with to(device)");
        }
    }

    void checkSameDtype(String op, DenseTensor other) {
        if (other.dtype() != dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + dtype() + " and " + other.dtype()
                    + " differ; Fovea does not promote implicitly, convert one with to(DType)");
        }
    }

    void requireFloat(String op) {
        if (!dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + " is not defined for " + dtype() + " tensors (shape " + shape()
                    + "); convert with to(DType.FLOAT32) first");
        }
    }

    private DenseTensor operand(Tensor other, String op) {
        DenseTensor o = cast(other, op);
        o.checkOpen();
        checkSameDevice(op, o);
        checkSameDtype(op, o);
        return o;
    }

    static Shape broadcastShape(String op, Shape a, Shape b) {
        try {
            return Shape.broadcast(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast together", e);
        }
    }

    /** This tensor seen with {@code target}'s shape: size-1 and missing leading dimensions get stride 0. */
    StridedView broadcastTo(Shape target) {
        checkOpen();
        if (view.shape().equals(target)) {
            return view;
        }
        int rank = target.rank();
        int lead = rank - view.rank();
        long[] strides = new long[rank];
        for (int i = 0; i < rank; i++) {
            int j = i - lead;
            if (j < 0) {
                strides[i] = 0;
            } else if (view.shape().dim(j) == target.dim(i)) {
                strides[i] = view.stride(j);
            } else if (view.shape().dim(j) == 1) {
                strides[i] = 0;
            } else {
                throw new IllegalArgumentException("shape " + view.shape() + " cannot be broadcast to " + target);
            }
        }
        return new StridedView(view.buffer(), view.offset(), target, strides);
    }

    /** Sums a gradient of a broadcast result back to {@code target}, the operand's shape. */
    static DenseTensor sumTo(DenseTensor g, Shape target) {
        if (g.shape().equals(target)) {
            return g;
        }
        int lead = g.rank() - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead || (target.dim(i - lead) == 1 && g.shape().dim(i) != 1)) {
                axes.add(i);
            }
        }
        DenseTensor s = axes.isEmpty() ? g : g.sum(axes.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(target.dims());
    }

    // ---- What it is -----------------------------------------------------------------------------

    @Override
    public Shape shape() {
        return view.shape();
    }

    @Override
    public DType dtype() {
        return view.dtype();
    }

    @Override
    public BackendDevice device() {
        return device;
    }

    /** Whether the elements are dense and row-major in memory. */
    public boolean isContiguous() {
        return view.isContiguous();
    }

    /** Whether {@code other} reads the same device memory (a view of this tensor or vice versa). */
    public boolean sharesStorageWith(Tensor other) {
        return other instanceof DenseTensor d && d.storage == storage;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    // ---- Autograd -------------------------------------------------------------------------------

    @Override
    public boolean requiresGrad() {
        return requiresGrad;
    }

    @Override
    public DenseTensor requiresGrad(boolean requires) {
        if (node != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf tensor; this " + shape()
                    + " tensor was produced by '" + node.op() + "'. Use detach() to get a leaf");
        }
        if (requires && !dtype().isFloatingPoint()) {
            throw new IllegalStateException("only floating-point tensors can require gradients; this one is "
                    + dtype() + ", convert with to(DType.FLOAT32)");
        }
        this.requiresGrad = requires;
        return this;
    }

    @Override
    public boolean isLeaf() {
        return node == null;
    }

    @Override
    public DenseTensor grad() {
        return grad;
    }

    @Override
    public void zeroGrad() {
        grad = null;
    }

    @Override
    public void backward() {
        if (!requiresGrad) {
            throw new IllegalStateException("backward(): this " + shape()
                    + " tensor does not require a gradient; no input it was computed from requires one");
        }
        if (numel() != 1) {
            throw new IllegalStateException("backward() needs a scalar (one-element) tensor, this one has shape "
                    + shape() + "; call backward(gradient, retainGraph) with a gradient of that shape");
        }
        backward(filled(device, dtype(), shape(), 1.0), false);
    }

    @SuppressWarnings("try") // the scope only brackets the body
    @Override
    public void backward(Tensor gradient, boolean retainGraph) {
        checkOpen();
        if (!requiresGrad) {
            throw new IllegalStateException("backward: this " + shape()
                    + " tensor does not require a gradient; no input it was computed from requires one");
        }
        DenseTensor seed = cast(gradient, "backward");
        checkSameDevice("backward", seed);
        checkSameDtype("backward", seed);
        if (!seed.shape().equals(shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + seed.shape()
                    + " does not match the tensor's shape " + shape());
        }
        List<DenseTensor> order = topologicalOrder();
        try (NoGrad scope = NoGrad.enter()) {
            Map<DenseTensor, DenseTensor> grads = new IdentityHashMap<>();
            grads.put(this, seed);
            for (int i = order.size() - 1; i >= 0; i--) {
                DenseTensor t = order.get(i);
                DenseTensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                Node n = t.node;
                if (n == null) {
                    t.accumulate(g);
                    continue;
                }
                DenseTensor[] parents = n.parents();
                DenseTensor[] parentGrads = n.rule().apply(g);
                for (int p = 0; p < parents.length; p++) {
                    DenseTensor parent = parents[p];
                    if (parent == null || !parent.requiresGrad) {
                        continue;
                    }
                    DenseTensor pg = p < parentGrads.length ? parentGrads[p] : null;
                    if (pg == null) {
                        continue;
                    }
                    if (!pg.shape().equals(parent.shape())) {
                        throw new IllegalStateException("backward of '" + n.op() + "' returned a gradient of shape "
                                + pg.shape() + " for input " + p + " of shape " + parent.shape());
                    }
                    grads.merge(parent, pg, DenseTensor::add);
                }
            }
        } finally {
            if (!retainGraph) {
                for (DenseTensor t : order) {
                    if (t.node != null) {
                        t.node.free();
                    }
                }
            }
        }
    }

    /** Tensors reachable from this one through nodes, each after all tensors it was computed from. */
    private List<DenseTensor> topologicalOrder() {
        List<DenseTensor> order = new ArrayList<>();
        Set<DenseTensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        // each frame: {tensor, next parent index}
        stack.push(new Object[] {this, 0});
        visited.add(this);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            DenseTensor t = (DenseTensor) frame[0];
            Node n = t.node;
            if (n != null && n.isFreed()) {
                throw new IllegalStateException("backward through '" + n.op()
                        + "' a second time: its graph was freed by an earlier backward. Pass retainGraph=true "
                        + "to the first backward(gradient, retainGraph) to go through the graph again");
            }
            DenseTensor[] parents = n == null ? new DenseTensor[0] : n.parents();
            int next = (Integer) frame[1];
            boolean pushed = false;
            while (next < parents.length) {
                DenseTensor p = parents[next++];
                if (p != null && p.requiresGrad && visited.add(p)) {
                    frame[1] = next;
                    stack.push(new Object[] {p, 0});
                    pushed = true;
                    break;
                }
            }
            if (!pushed) {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    private void accumulate(DenseTensor g) {
        if (!requiresGrad) {
            return;
        }
        DenseTensor contiguousGrad = g.isContiguous() ? g.alias(g.view) : g.copyContiguous();
        // The leaf owns its gradient: it outlives any TensorScope the backward pass runs in.
        grad = TensorScope.untrack(grad == null ? contiguousGrad : grad.add(contiguousGrad));
    }

    @Override
    public DenseTensor detach() {
        return alias(view);
    }

    @Override
    public DenseTensor assign(Tensor source) {
        checkOpen();
        DenseTensor src = cast(source, "assign");
        src.checkOpen();
        checkSameDevice("assign", src);
        if (node != null && requiresGrad) {
            throw new IllegalStateException("assign: this " + shape() + " tensor was computed by '" + node.op()
                    + "' and is part of a graph; write into a leaf, or detach() first");
        }
        if (requiresGrad && !NoGrad.isActive()) {
            throw new IllegalStateException("assign: this " + shape() + " tensor requires a gradient, and an "
                    + "in-place write is invisible to autograd; do it inside NoGrad.enter() (as optimizers do)");
        }
        if (!Shape.broadcast(src.shape(), shape()).equals(shape())) {
            throw new IllegalArgumentException("assign: source shape " + src.shape()
                    + " does not broadcast to the target shape " + shape());
        }
        if (numel() == 0) {
            return this;
        }
        // A source that reads this very memory must be copied first: the kernel's output may not overlap its input.
        DenseTensor safe = src.storage == storage ? src.copyContiguous() : src;
        try {
            backend().unary(UnaryOp.IDENTITY, safe.broadcastTo(shape()), view);
        } finally {
            if (safe != src) {
                safe.close();
            }
        }
        return this;
    }

    // ---- Elementwise arithmetic ----------------------------------------------------------------

    /** {@code op} on broadcast operands, without graph. */
    private DenseTensor binaryRaw(String name, BinaryOp op, DenseTensor other) {
        Shape s = broadcastShape(name, shape(), other.shape());
        DenseTensor out = empty(device, dtype(), s);
        if (s.numel() > 0) {
            backend().binary(op, broadcastTo(s), other.broadcastTo(s), out.view);
        }
        return out;
    }

    private DenseTensor arithmeticOperand(Tensor other, String op) {
        DenseTensor o = operand(other, op);
        requireFloat(op);
        return o;
    }

    @Override
    public DenseTensor add(Tensor other) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(other, "add");
        DenseTensor out = binaryRaw("add", BinaryOp.ADD, b);
        return record(out, "add", g -> new DenseTensor[] {
            a.requiresGrad ? sumTo(g, a.shape()) : null,
            b.requiresGrad ? sumTo(g, b.shape()) : null
        }, a, b);
    }

    @Override
    public DenseTensor add(double scalar) {
        requireFloat("add");
        return add(constant(scalar));
    }

    @Override
    public DenseTensor sub(Tensor other) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(other, "sub");
        DenseTensor out = binaryRaw("sub", BinaryOp.SUB, b);
        return record(out, "sub", g -> new DenseTensor[] {
            a.requiresGrad ? sumTo(g, a.shape()) : null,
            b.requiresGrad ? sumTo(g.neg(), b.shape()) : null
        }, a, b);
    }

    @Override
    public DenseTensor sub(double scalar) {
        requireFloat("sub");
        return sub(constant(scalar));
    }

    @Override
    public DenseTensor mul(Tensor other) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(other, "mul");
        DenseTensor out = binaryRaw("mul", BinaryOp.MUL, b);
        return record(out, "mul", g -> new DenseTensor[] {
            a.requiresGrad ? sumTo(g.mul(b), a.shape()) : null,
            b.requiresGrad ? sumTo(g.mul(a), b.shape()) : null
        }, a, b);
    }

    @Override
    public DenseTensor mul(double scalar) {
        requireFloat("mul");
        return mul(constant(scalar));
    }

    @Override
    public DenseTensor div(Tensor other) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(other, "div");
        DenseTensor out = binaryRaw("div", BinaryOp.DIV, b);
        return record(out, "div", g -> new DenseTensor[] {
            a.requiresGrad ? sumTo(g.div(b), a.shape()) : null,
            // d(a/b)/db = -a/b^2 = -out/b
            b.requiresGrad ? sumTo(g.mul(out).div(b).neg(), b.shape()) : null
        }, a, b);
    }

    @Override
    public DenseTensor div(double scalar) {
        requireFloat("div");
        return div(constant(scalar));
    }

    @Override
    public DenseTensor pow(Tensor exponent) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(exponent, "pow");
        DenseTensor out = binaryRaw("pow", BinaryOp.POW, b);
        return record(out, "pow", g -> new DenseTensor[] {
            // d(a^b)/da = b * a^(b-1)
            a.requiresGrad ? sumTo(g.mul(b).mul(a.pow(b.sub(1.0))), a.shape()) : null,
            // d(a^b)/db = a^b * ln(a)
            b.requiresGrad ? sumTo(g.mul(out).mul(a.log()), b.shape()) : null
        }, a, b);
    }

    @Override
    public DenseTensor pow(double exponent) {
        requireFloat("pow");
        return pow(constant(exponent));
    }

    @Override
    public DenseTensor maximum(Tensor other) {
        return extremum("maximum", BinaryOp.MAXIMUM, BinaryOp.GT, other);
    }

    @Override
    public DenseTensor minimum(Tensor other) {
        return extremum("minimum", BinaryOp.MINIMUM, BinaryOp.LT, other);
    }

    private DenseTensor extremum(String name, BinaryOp op, BinaryOp wins, Tensor other) {
        DenseTensor a = this;
        DenseTensor b = arithmeticOperand(other, name);
        DenseTensor out = binaryRaw(name, op, b);
        return record(out, name, g -> {
            // share of the gradient that goes to a: 1 where a wins, 1/2 on ties, 0 where b wins
            DenseTensor aShare = a.binaryRaw(name, wins, b).add(a.binaryRaw(name, BinaryOp.EQ, b).mul(0.5));
            return new DenseTensor[] {
                a.requiresGrad ? sumTo(g.mul(aShare), a.shape()) : null,
                b.requiresGrad ? sumTo(g.mul(aShare.neg().add(1.0)), b.shape()) : null
            };
        }, a, b);
    }

    // ---- Elementwise functions ------------------------------------------------------------------

    private DenseTensor unaryRaw(String name, UnaryOp op) {
        requireFloat(name);
        checkOpen();
        DenseTensor out = empty(device, dtype(), shape());
        if (numel() > 0) {
            backend().unary(op, view, out.view);
        }
        return out;
    }

    @Override
    public DenseTensor neg() {
        DenseTensor out = unaryRaw("neg", UnaryOp.NEG);
        return record(out, "neg", g -> new DenseTensor[] {g.neg()}, this);
    }

    @Override
    public DenseTensor abs() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("abs", UnaryOp.ABS);
        return record(out, "abs", g -> new DenseTensor[] {g.mul(x.unaryRaw("abs", UnaryOp.SIGN))}, this);
    }

    @Override
    public DenseTensor exp() {
        DenseTensor out = unaryRaw("exp", UnaryOp.EXP);
        return record(out, "exp", g -> new DenseTensor[] {g.mul(out)}, this);
    }

    @Override
    public DenseTensor log() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("log", UnaryOp.LOG);
        return record(out, "log", g -> new DenseTensor[] {g.div(x)}, this);
    }

    @Override
    public DenseTensor sqrt() {
        DenseTensor out = unaryRaw("sqrt", UnaryOp.SQRT);
        return record(out, "sqrt", g -> new DenseTensor[] {g.mul(0.5).div(out)}, this);
    }

    @Override
    public DenseTensor square() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("square", UnaryOp.SQUARE);
        return record(out, "square", g -> new DenseTensor[] {g.mul(x).mul(2.0)}, this);
    }

    @Override
    public DenseTensor reciprocal() {
        DenseTensor out = unaryRaw("reciprocal", UnaryOp.RECIPROCAL);
        return record(out, "reciprocal", g -> new DenseTensor[] {g.mul(out.square()).neg()}, this);
    }

    @Override
    public DenseTensor sin() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("sin", UnaryOp.SIN);
        return record(out, "sin", g -> new DenseTensor[] {g.mul(x.cos())}, this);
    }

    @Override
    public DenseTensor cos() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("cos", UnaryOp.COS);
        return record(out, "cos", g -> new DenseTensor[] {g.mul(x.sin()).neg()}, this);
    }

    @Override
    public DenseTensor relu() {
        DenseTensor x = this;
        DenseTensor out = unaryRaw("relu", UnaryOp.RELU);
        // g where x > 0, else 0 (also where g is NaN or infinite), in one kernel with no mask tensor
        return record(out, "relu", g -> new DenseTensor[] {g.binaryRaw("relu", BinaryOp.RELU_BACKWARD, x)}, this);
    }

    @Override
    public DenseTensor leakyRelu(double negativeSlope) {
        requireFloat("leakyRelu");
        DenseTensor x = this;
        DenseTensor positive = binaryRaw("leakyRelu", BinaryOp.GT, constant(0));
        // slope where positive: 1, elsewhere negativeSlope
        DenseTensor slope = NoGrad.run(() -> positive.mul(1.0 - negativeSlope).add(negativeSlope));
        DenseTensor out = binaryRaw("leakyRelu", BinaryOp.MUL, slope);
        return record(out, "leakyRelu", g -> new DenseTensor[] {g.mul(slope)}, x);
    }

    @Override
    public DenseTensor sigmoid() {
        DenseTensor out = unaryRaw("sigmoid", UnaryOp.SIGMOID);
        return record(out, "sigmoid", g -> new DenseTensor[] {g.mul(out).mul(out.neg().add(1.0))}, this);
    }

    @Override
    public DenseTensor tanh() {
        DenseTensor out = unaryRaw("tanh", UnaryOp.TANH);
        return record(out, "tanh", g -> new DenseTensor[] {g.mul(out.square().neg().add(1.0))}, this);
    }

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    @Override
    public DenseTensor gelu() {
        requireFloat("gelu");
        DenseTensor x = this;
        // Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF
        DenseTensor cdf = NoGrad.run(() -> x.mul(INV_SQRT2).unaryRaw("gelu", UnaryOp.ERF).add(1.0).mul(0.5));
        DenseTensor out = binaryRaw("gelu", BinaryOp.MUL, cdf);
        return record(out, "gelu", g -> {
            // d/dx x Phi(x) = Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi)
            DenseTensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
            return new DenseTensor[] {g.mul(cdf.add(x.mul(pdf)))};
        }, x);
    }

    @Override
    public DenseTensor clamp(double min, double max) {
        requireFloat("clamp");
        if (!(min <= max)) {
            throw new IllegalArgumentException("clamp: min " + min + " must not exceed max " + max);
        }
        DenseTensor x = this;
        DenseTensor lo = constant(min);
        DenseTensor hi = constant(max);
        DenseTensor out = binaryRaw("clamp", BinaryOp.MAXIMUM, lo).binaryRaw("clamp", BinaryOp.MINIMUM, hi);
        return record(out, "clamp", g -> {
            DenseTensor inside = x.binaryRaw("clamp", BinaryOp.GE, lo).binaryRaw("clamp", BinaryOp.MUL,
                    x.binaryRaw("clamp", BinaryOp.LE, hi));
            return new DenseTensor[] {g.mul(inside)};
        }, x);
    }

    // ---- Comparisons ----------------------------------------------------------------------------

    private DenseTensor compare(String name, BinaryOp op, Tensor other) {
        DenseTensor b = operand(other, name);
        if (dtype().isFloatingPoint()) {
            return binaryRaw(name, op, b);
        }
        // Integers are compared exactly in FLOAT64 (or FLOAT32 where the device lacks it) and converted back.
        DType wide = device.info().supportsFloat64() ? DType.FLOAT64 : DType.FLOAT32;
        return NoGrad.run(() -> to(wide).binaryRaw(name, op, b.to(wide)).to(DType.INT32));
    }

    @Override
    public DenseTensor eq(Tensor other) {
        return compare("eq", BinaryOp.EQ, other);
    }

    @Override
    public DenseTensor gt(Tensor other) {
        return compare("gt", BinaryOp.GT, other);
    }

    @Override
    public DenseTensor lt(Tensor other) {
        return compare("lt", BinaryOp.LT, other);
    }

    // ---- Reductions -----------------------------------------------------------------------------

    private int[] normalizeAxes(String op, int[] axes) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < axes.length; i++) {
            int a;
            try {
                a = shape().normalizeAxis(axes[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
            }
            if (seen[a]) {
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " appears twice in "
                        + Arrays.toString(axes) + " for shape " + shape());
            }
            seen[a] = true;
            out[i] = a;
        }
        Arrays.sort(out);
        return out;
    }

    private int[] allAxes() {
        int[] all = new int[rank()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    private Shape keptShape(int[] axes) {
        int[] d = shape().dims();
        for (int a : axes) {
            d[a] = 1;
        }
        return Shape.of(d);
    }

    private static Shape droppedShape(Shape shape, int[] axes) {
        int[] d = shape.dims();
        int[] out = new int[d.length - axes.length];
        int k = 0;
        for (int i = 0; i < d.length; i++) {
            if (Arrays.binarySearch(axes, i) < 0) {
                out[k++] = d[i];
            }
        }
        return Shape.of(out);
    }

    private DenseTensor reduceRaw(ReduceOp op, int[] axes) {
        DenseTensor out = empty(device, dtype(), keptShape(axes));
        backend().reduce(op, view(), axes, out.view);
        return out;
    }

    /** A contiguous tensor seen with another shape of the same size (no graph). */
    private DenseTensor reshapeView(Shape s) {
        return alias(s, view.offset(), s.contiguousStrides());
    }

    @Override
    public DenseTensor sum() {
        return sum(allAxes(), false);
    }

    @Override
    public DenseTensor sum(int[] axes, boolean keepDims) {
        requireFloat("sum");
        int[] ax = normalizeAxes("sum", axes);
        if (ax.length == 0) {
            return this;
        }
        Shape kept = keptShape(ax);
        DenseTensor reduced = reduceRaw(ReduceOp.SUM, ax);
        DenseTensor out = keepDims ? reduced : reduced.reshapeView(droppedShape(shape(), ax));
        DenseTensor x = this;
        return record(out, "sum", g -> new DenseTensor[] {g.reshape(kept.dims()).expand(x.shape())}, x);
    }

    @Override
    public DenseTensor mean() {
        return mean(allAxes(), false);
    }

    @Override
    public DenseTensor mean(int[] axes, boolean keepDims) {
        requireFloat("mean");
        int[] ax = normalizeAxes("mean", axes);
        long count = 1;
        for (int a : ax) {
            count *= shape().dim(a);
        }
        if (count == 0) {
            throw new IllegalArgumentException("mean over axes " + Arrays.toString(axes) + " of shape " + shape()
                    + " has no elements");
        }
        return sum(ax, keepDims).mul(1.0 / count);
    }

    @Override
    public DenseTensor max() {
        requireFloat("max");
        if (numel() == 0) {
            throw new IllegalArgumentException("max of an empty tensor " + shape());
        }
        return reshape(-1).max(0, false);
    }

    @Override
    public DenseTensor max(int axis, boolean keepDim) {
        requireFloat("max");
        int a = normalizeAxes("max", new int[] {axis})[0];
        if (shape().dim(a) == 0) {
            throw new IllegalArgumentException("max over axis " + axis + " of shape " + shape() + " has no elements");
        }
        Shape kept = keptShape(new int[] {a});
        DenseTensor reduced = reduceRaw(ReduceOp.MAX, new int[] {a});
        DenseTensor out = keepDim ? reduced : reduced.reshapeView(droppedShape(shape(), new int[] {a}));
        DenseTensor x = this;
        return record(out, "max", g -> {
            // gradient to the first maximal element: one-hot(argmax) built by comparing an index ramp
            DenseTensor index = x.argmaxKept(a).to(x.dtype());
            int[] rampShape = new int[x.rank()];
            Arrays.fill(rampShape, 1);
            rampShape[a] = x.shape().dim(a);
            DenseTensor ramp = ramp(x.device, x.dtype(), x.shape().dim(a)).reshapeView(Shape.of(rampShape));
            DenseTensor oneHot = ramp.binaryRaw("max", BinaryOp.EQ, index);
            return new DenseTensor[] {oneHot.mul(g.reshape(kept.dims()))};
        }, x);
    }

    /** INT32 index of the first maximum along normalized axis {@code a}, with that axis kept as size 1. */
    private DenseTensor argmaxKept(int a) {
        DenseTensor source = this;
        if (!dtype().isFloatingPoint()) {
            source = NoGrad.run(() -> to(device.info().supportsFloat64() ? DType.FLOAT64 : DType.FLOAT32));
        }
        DenseTensor out = empty(device, DType.INT32, keptShape(new int[] {a}));
        backend().argmax(source.view(), a, out.view);
        return out;
    }

    @Override
    public DenseTensor argmax(int axis) {
        int a = normalizeAxes("argmax", new int[] {axis})[0];
        if (shape().dim(a) == 0) {
            throw new IllegalArgumentException("argmax over axis " + axis + " of shape " + shape()
                    + " has no elements");
        }
        return argmaxKept(a).reshapeView(droppedShape(shape(), new int[] {a}));
    }

    // ---- Shape ----------------------------------------------------------------------------------

    private Shape inferShape(String op, int[] dims) {
        int infer = -1;
        long known = 1;
        int[] d = dims.clone();
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension can be -1, got "
                            + Arrays.toString(dims));
                }
                infer = i;
            } else if (d[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + d[i] + " in " + Arrays.toString(dims));
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + shape() + " (" + numel()
                        + " elements) to " + Arrays.toString(dims));
            }
            d[infer] = (int) (numel() / known);
        } else if (known != numel()) {
            throw new IllegalArgumentException(op + ": cannot reshape " + shape() + " (" + numel() + " elements) to "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(d);
    }

    @Override
    public DenseTensor reshape(int... dims) {
        checkOpen();
        Shape target = inferShape("reshape", dims);
        if (target.equals(shape())) {
            return this;
        }
        if (!isContiguous()) {
            return contiguous().reshape(target.dims());
        }
        DenseTensor x = this;
        DenseTensor out = reshapeView(target);
        return record(out, "reshape", g -> new DenseTensor[] {g.reshape(x.shape().dims())}, x);
    }

    @Override
    public DenseTensor transpose(int axis0, int axis1) {
        int[] order = allAxes();
        int a = normalizeAxes("transpose", new int[] {axis0})[0];
        int b = normalizeAxes("transpose", new int[] {axis1})[0];
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    @Override
    public DenseTensor permute(int... order) {
        checkOpen();
        if (order.length != rank()) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " does not list the "
                    + rank() + " axes of shape " + shape());
        }
        int[] ax = new int[order.length];
        boolean[] seen = new boolean[rank()];
        for (int i = 0; i < order.length; i++) {
            int a = normalizeAxes("permute", new int[] {order[i]})[0];
            if (seen[a]) {
                throw new IllegalArgumentException("permute: order " + Arrays.toString(order)
                        + " is not a permutation of the axes of shape " + shape());
            }
            seen[a] = true;
            ax[i] = a;
        }
        int[] dims = new int[rank()];
        long[] strides = new long[rank()];
        int[] inverse = new int[rank()];
        for (int i = 0; i < ax.length; i++) {
            dims[i] = shape().dim(ax[i]);
            strides[i] = view.stride(ax[i]);
            inverse[ax[i]] = i;
        }
        DenseTensor out = alias(Shape.of(dims), view.offset(), strides);
        return record(out, "permute", g -> new DenseTensor[] {g.permute(inverse)}, this);
    }

    @Override
    public DenseTensor slice(int axis, int start, int end) {
        checkOpen();
        int a = normalizeAxes("slice", new int[] {axis})[0];
        int size = shape().dim(a);
        if (start < 0 || end > size || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is outside axis " + axis
                    + " of size " + size + " in shape " + shape());
        }
        Shape s = shape().withDim(a, end - start);
        long offset = view.offset() + (end > start ? start * view.stride(a) : 0);
        DenseTensor out = alias(s, offset, view.strides());
        DenseTensor x = this;
        return record(out, "slice", g -> {
            DenseTensor full = filled(x.device, x.dtype(), x.shape(), 0.0);
            if (s.numel() > 0) {
                StridedView fv = full.view;
                long[] st = fv.strides();
                full.backend().unary(UnaryOp.IDENTITY, g.view(),
                        new StridedView(fv.buffer(), fv.offset() + start * st[a], s, st));
            }
            return new DenseTensor[] {full};
        }, x);
    }

    @Override
    public DenseTensor unsqueeze(int axis) {
        checkOpen();
        int a = axis < 0 ? axis + rank() + 1 : axis;
        if (a < 0 || a > rank()) {
            throw new IllegalArgumentException("unsqueeze: axis " + axis + " is out of range for shape " + shape());
        }
        int[] dims = new int[rank() + 1];
        long[] strides = new long[rank() + 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i == a) {
                dims[i] = 1;
                strides[i] = a < rank() ? view.stride(a) * Math.max(1, shape().dim(a)) : 1;
            } else {
                dims[i] = shape().dim(j);
                strides[i] = view.stride(j);
                j++;
            }
        }
        DenseTensor out = alias(Shape.of(dims), view.offset(), strides);
        return record(out, "unsqueeze", g -> new DenseTensor[] {g.squeeze(a)}, this);
    }

    @Override
    public DenseTensor squeeze(int axis) {
        checkOpen();
        int a = normalizeAxes("squeeze", new int[] {axis})[0];
        if (shape().dim(a) != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape()
                    + " has size " + shape().dim(a) + ", not 1");
        }
        int[] dims = new int[rank() - 1];
        long[] strides = new long[rank() - 1];
        for (int i = 0, j = 0; i < rank(); i++) {
            if (i != a) {
                dims[j] = shape().dim(i);
                strides[j] = view.stride(i);
                j++;
            }
        }
        DenseTensor out = alias(Shape.of(dims), view.offset(), strides);
        return record(out, "squeeze", g -> new DenseTensor[] {g.unsqueeze(a)}, this);
    }

    @Override
    public DenseTensor flatten(int startAxis) {
        if (rank() == 0) {
            return reshape(1);
        }
        int a = normalizeAxes("flatten", new int[] {startAxis})[0];
        int[] dims = new int[a + 1];
        long rest = 1;
        for (int i = 0; i < rank(); i++) {
            if (i < a) {
                dims[i] = shape().dim(i);
            } else {
                rest *= shape().dim(i);
            }
        }
        dims[a] = Math.toIntExact(rest);
        return reshape(dims);
    }

    @Override
    public DenseTensor expand(Shape target) {
        checkOpen();
        if (target.equals(shape())) {
            return this;
        }
        if (target.rank() < rank()) {
            throw new IllegalArgumentException("expand: cannot expand shape " + shape() + " to " + target
                    + " of lower rank");
        }
        StridedView v;
        try {
            v = broadcastTo(target);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expand: cannot expand shape " + shape() + " to " + target
                    + "; only size-1 dimensions can be expanded", e);
        }
        DenseTensor x = this;
        DenseTensor out = alias(v);
        return record(out, "expand", g -> new DenseTensor[] {sumTo(g, x.shape())}, x);
    }

    /** A dense row-major copy, without graph. */
    DenseTensor copyContiguous() {
        checkOpen();
        DenseTensor out = empty(device, dtype(), shape());
        if (numel() > 0) {
            backend().unary(UnaryOp.IDENTITY, view, out.view);
        }
        return out;
    }

    @Override
    public DenseTensor contiguous() {
        checkOpen();
        if (isContiguous()) {
            return this;
        }
        DenseTensor out = copyContiguous();
        return record(out, "contiguous", g -> new DenseTensor[] {g}, this);
    }

    // ---- Linear algebra -------------------------------------------------------------------------

    @Override
    public DenseTensor matmul(Tensor other) {
        DenseTensor b = operand(other, "matmul");
        requireFloat("matmul");
        DenseTensor a = this;
        if (a.rank() == 0 || b.rank() == 0) {
            throw new IllegalArgumentException("matmul: both operands need at least one dimension, got shapes "
                    + a.shape() + " and " + b.shape());
        }
        boolean aVector = a.rank() == 1;
        boolean bVector = b.rank() == 1;
        DenseTensor a2 = aVector ? a.unsqueeze(0) : a;
        DenseTensor b2 = bVector ? b.unsqueeze(1) : b;
        int k = a2.shape().dim(-1);
        if (k != b2.shape().dim(-2)) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + " and " + b.shape()
                    + " do not match: " + k + " columns against " + b2.shape().dim(-2) + " rows");
        }
        Shape batchA = Shape.of(Arrays.copyOf(a2.shape().dims(), a2.rank() - 2));
        Shape batchB = Shape.of(Arrays.copyOf(b2.shape().dims(), b2.rank() - 2));
        Shape batch;
        try {
            batch = Shape.broadcast(batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions of " + a.shape() + " and " + b.shape()
                    + " cannot be broadcast together", e);
        }
        a2 = a2.expand(withMatrix(batch, a2.shape().dim(-2), k));
        b2 = b2.expand(withMatrix(batch, k, b2.shape().dim(-1)));
        DenseTensor out = a2.batchedMatmul(b2);
        if (aVector) {
            out = out.squeeze(-2);
        }
        if (bVector) {
            out = out.squeeze(-1);
        }
        return out;
    }

    private static Shape withMatrix(Shape batch, int rows, int cols) {
        int[] d = Arrays.copyOf(batch.dims(), batch.rank() + 2);
        d[batch.rank()] = rows;
        d[batch.rank() + 1] = cols;
        return Shape.of(d);
    }

    /** {@code [..., M, K] @ [..., K, N]} with equal batch dimensions (rank >= 2). */
    DenseTensor batchedMatmul(DenseTensor b) {
        DenseTensor a = this;
        int m = a.shape().dim(-2);
        int n = b.shape().dim(-1);
        Shape batch = Shape.of(Arrays.copyOf(a.shape().dims(), a.rank() - 2));
        Shape outShape = withMatrix(batch, m, n);
        DenseTensor out = empty(device, dtype(), outShape);
        if (outShape.numel() > 0) {
            int bSize = (int) batch.numel();
            StridedView outView = new StridedView(out.view.buffer(), 0, Shape.of(bSize, m, n),
                    Shape.of(bSize, m, n).contiguousStrides());
            DenseTensor[] keep = new DenseTensor[2];
            StridedView av = a.as3d(keep, 0);
            StridedView bv = b.as3d(keep, 1);
            if (a.shape().dim(-1) == 0) {
                backend().fill(outView, 0.0);
            } else {
                backend().matmul(av, bv, outView);
            }
            for (DenseTensor copy : keep) {
                if (copy != null) {
                    copy.close();
                }
            }
        }
        return record(out, "matmul", g -> new DenseTensor[] {
            a.requiresGrad ? g.batchedMatmul(b.transpose(-1, -2)) : null,
            b.requiresGrad ? matmulGradRight(a, b, g) : null
        }, a, b);
    }

    /**
     * The gradient {@code aᵀ·g} of the right operand, laid out like {@code b}: when {@code b} is a
     * transposed view (a Linear layer's {@code weight.transpose(0, 1)}), it is computed as
     * {@code (gᵀ·a)ᵀ}, so after the transpose's own backward the weight's gradient is contiguous and
     * needs no strided copy (same sums, same order: the GEMM takes any strides).
     */
    private static DenseTensor matmulGradRight(DenseTensor a, DenseTensor b, DenseTensor g) {
        boolean columnMajor = b.view.stride(b.rank() - 2) == 1 && b.shape().dim(-1) > 1;
        if (columnMajor) {
            return g.transpose(-1, -2).batchedMatmul(a).transpose(-1, -2);
        }
        return a.transpose(-1, -2).batchedMatmul(g);
    }

    /**
     * This {@code [..., R, C]} tensor as a 3-D {@code [B, R, C]} view; batch dimensions are merged
     * through strides when possible, otherwise a contiguous copy is made (kept alive in {@code keep}).
     */
    private StridedView as3d(DenseTensor[] keep, int slot) {
        int r = rank();
        int rows = shape().dim(-2);
        int cols = shape().dim(-1);
        long batchCount = 1;
        long batchStride = 0;
        boolean mergeable = true;
        int last = -1;
        for (int i = r - 3; i >= 0; i--) {
            int d = shape().dim(i);
            batchCount *= d;
            if (d == 1) {
                continue;
            }
            if (last < 0) {
                batchStride = view.stride(i);
            } else if (view.stride(i) != view.stride(last) * shape().dim(last)) {
                mergeable = false;
            }
            last = i;
        }
        StridedView source = view;
        if (!mergeable) {
            DenseTensor copy = copyContiguous();
            keep[slot] = copy;
            source = copy.view;
            batchStride = (long) rows * cols;
        }
        return new StridedView(source.buffer(), source.offset(), Shape.of((int) batchCount, rows, cols),
                new long[] {batchStride, source.stride(r - 2), source.stride(r - 1)});
    }

    @Override
    public DenseTensor softmax(int axis) {
        requireFloat("softmax");
        int a = normalizeAxes("softmax", new int[] {axis})[0];
        int[] ax = {a};
        DenseTensor x = this;
        DenseTensor out = NoGrad.run(() -> {
            DenseTensor e = x.sub(x.reduceRaw(ReduceOp.MAX, ax)).exp();
            return e.div(e.sum(ax, true));
        });
        return record(out, "softmax", g -> new DenseTensor[] {out.mul(g.sub(g.mul(out).sum(ax, true)))}, x);
    }

    @Override
    public DenseTensor logSoftmax(int axis) {
        requireFloat("logSoftmax");
        int a = normalizeAxes("logSoftmax", new int[] {axis})[0];
        int[] ax = {a};
        DenseTensor x = this;
        DenseTensor out = NoGrad.run(() -> {
            DenseTensor shifted = x.sub(x.reduceRaw(ReduceOp.MAX, ax));
            return shifted.sub(shifted.exp().sum(ax, true).log());
        });
        return record(out, "logSoftmax", g -> new DenseTensor[] {g.sub(out.exp().mul(g.sum(ax, true)))}, x);
    }

    // ---- Conversion and data --------------------------------------------------------------------

    @Override
    public DenseTensor to(Device target) {
        checkOpen();
        BackendDevice d = backendDevice(target, "to(device)");
        if (d == device) {
            return this;
        }
        DenseTensor out;
        switch (dtype()) {
            case FLOAT32 -> out = fromHost(d, toFloatArray(), shape());
            case FLOAT64 -> out = fromHost(d, toDoubleArray(), shape());
            default -> out = fromHost(d, toIntArray(), shape());
        }
        BackendDevice source = device;
        return record(out, "to(device)", g -> new DenseTensor[] {g.to(source)}, this);
    }

    @Override
    public DenseTensor to(DType target) {
        checkOpen();
        if (target == dtype()) {
            return this;
        }
        DenseTensor out = empty(device, target, shape());
        if (numel() > 0) {
            backend().unary(UnaryOp.IDENTITY, view, out.view);
        }
        if (!target.isFloatingPoint()) {
            return out;
        }
        DType source = dtype();
        return record(out, "to(dtype)", g -> new DenseTensor[] {g.to(source)}, this);
    }

    /** The elements in row-major order as a dense view (this tensor, or a temporary copy). */
    private DenseTensor dense() {
        checkOpen();
        return isContiguous() ? this : copyContiguous();
    }

    private void download(java.nio.Buffer target) {
        DenseTensor d = dense();
        try {
            if (numel() > 0) {
                backend().download(d.view.buffer(), d.view.offset(), target);
            }
        } finally {
            if (d != this) {
                d.close();
            }
        }
    }

    @Override
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        switch (dtype()) {
            case FLOAT32: {
                float[] out = new float[n];
                download(FloatBuffer.wrap(out));
                return out;
            }
            case FLOAT64: {
                double[] d = toDoubleArray();
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = (float) d[i];
                }
                return out;
            }
            default: {
                int[] d = toIntArray();
                float[] out = new float[n];
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
                return out;
            }
        }
    }

    @Override
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        switch (dtype()) {
            case FLOAT64 -> download(DoubleBuffer.wrap(out));
            case FLOAT32 -> {
                float[] f = toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[i] = f[i];
                }
            }
            default -> {
                int[] v = toIntArray();
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
        }
        return out;
    }

    @Override
    public int[] toIntArray() {
        int n = Math.toIntExact(numel());
        int[] out = new int[n];
        switch (dtype()) {
            case INT32 -> download(IntBuffer.wrap(out));
            case FLOAT32 -> {
                float[] f = toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[i] = (int) f[i];
                }
            }
            default -> {
                double[] d = toDoubleArray();
                for (int i = 0; i < n; i++) {
                    out[i] = (int) d[i];
                }
            }
        }
        return out;
    }

    @Override
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, this one has shape " + shape()
                    + " (" + numel() + " elements)");
        }
        return toDoubleArray()[0];
    }

    /** Releases this tensor's reference to its storage; the memory goes when the last view is closed. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cleanable.clean();
        }
    }

    /** Like {@code Tensor[2, 3] FLOAT32 cpu:0 requiresGrad [1.0, 2.0, ...]}; shows at most 8 values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shape()).append(' ').append(dtype()).append(' ')
                .append(device.name());
        if (requiresGrad) {
            sb.append(node == null ? " requiresGrad" : " grad_fn=" + node.op());
        }
        if (closed) {
            return sb.append(" (closed)").toString();
        }
        if (numel() <= 8) {
            double[] v = toDoubleArray();
            sb.append(' ').append(dtype() == DType.INT32
                    ? Arrays.toString(Arrays.stream(v).mapToInt(x -> (int) x).toArray())
                    : Arrays.toString(v));
        }
        return sb.toString();
    }
}

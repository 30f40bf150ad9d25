package dev.fovea.examples.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Optimizer;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.core.nn.ClassLabels;
import dev.fovea.core.nn.Losses;
import dev.fovea.core.nn.Sequential;
import dev.fovea.core.optim.Sgd;
import dev.fovea.core.tensor.Functional;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.TensorScope;
import dev.fovea.core.tensor.Tensors;
import dev.fovea.examples.cnn.Models;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The measurements of {@code fovea bench}, through core's public API (what a user's code runs):
 * each case is run a few times to warm up, then timed several times, and the median is reported.
 *
 * <ul>
 *   <li>{@code sgemm}: {@code a.matmul(b)} of two {@code n x n} FLOAT32 matrices, {@code 2 n^3 / time}.</li>
 *   <li>{@code conv2d}: {@code Functional.conv2d} (NCHW, stride 1, with bias) forward alone, and forward
 *       plus {@code backward} through autograd, which computes the input, weight and bias gradients
 *       (the backend's {@code conv2dBackwardData}, {@code conv2dBackwardWeights} and a sum).</li>
 *   <li>{@code lenet}: the {@code fovea train --model lenet} network on a batch of 64 random 28x28
 *       images: forward, cross-entropy, backward, SGD with momentum 0.9 and learning rate 0.01, and
 *       the loss read back, as a training loop does. The median over windows of steps is reported,
 *       with the garbage-collection time spent during the timed windows.</li>
 * </ul>
 * Every timed run ends by reading one value of its result back to the host, so that asynchronous
 * devices are measured to completion.
 */
public final class Benchmarks {
    /** The convolution shapes: {n, cin, h, w, cout, k, pad} (stride 1, "same" padding). */
    public static final int[][] CONV_SHAPES = {
        {64, 1, 28, 28, 32, 5, 2}, {64, 32, 14, 14, 64, 5, 2}, {32, 64, 56, 56, 64, 3, 1}, {32, 128, 28, 28, 128, 3, 1}
    };
    /** The SGEMM sizes. */
    public static final int[] SGEMM_SIZES = {1024, 2048};
    /** The LeNet batch size. */
    public static final int BATCH = 64;

    private final Device device;
    private final boolean quick;
    private final Consumer<String> progress;

    /**
     * @param quick fewer repetitions (for tests and a first look)
     * @param progress told what is being measured (may ignore it)
     */
    public Benchmarks(Device device, boolean quick, Consumer<String> progress) {
        this.device = device;
        this.quick = quick;
        this.progress = progress;
    }

    /**
     * Runs everything and returns {@code {"sgemm": [...], "conv2d": [...], "lenet": {...}}}; with a
     * {@code reference}, each case is measured in PyTorch right after Fovea, and the result gets a
     * {@code "reference"} object of the same structure (plus PyTorch's {@code device}/{@code threads}).
     */
    public JsonObject runAll(TorchReference.Session reference) throws java.io.IOException {
        return run(reference, CASES);
    }

    /** The names of the three parts of a run, in order: {@code sgemm}, {@code conv2d}, {@code lenet}. */
    public static final java.util.List<String> CASES = java.util.List.of("sgemm", "conv2d", "lenet");

    /**
     * {@link #runAll} restricted to {@code cases} (names from {@link #CASES}); the result has only
     * those keys (and their {@code reference} counterparts).
     */
    public JsonObject run(TorchReference.Session reference, java.util.Collection<String> cases)
            throws java.io.IOException {
        for (String c : cases) {
            if (!CASES.contains(c)) {
                throw new IllegalArgumentException("unknown benchmark case '" + c + "'; the cases are " + CASES);
            }
        }
        warmUp();
        int rounds = quick ? 1 : ROUNDS;
        JsonObject result = new JsonObject();
        JsonObject ref = reference == null ? null : reference.header().deepCopy();
        JsonArray sgemm = new JsonArray();
        JsonArray refSgemm = new JsonArray();
        for (int n : cases.contains("sgemm") ? SGEMM_SIZES : new int[0]) {
            JsonObject mine = null;
            JsonObject theirs = null;
            for (int round = 0; round < rounds; round++) {
                mine = better(mine, sgemm(n));
                if (reference != null) {
                    progress.accept("PyTorch sgemm " + n);
                    theirs = better(theirs, reference.ask("sgemm " + n));
                }
            }
            sgemm.add(mine);
            if (theirs != null) {
                refSgemm.add(theirs);
            }
        }
        JsonArray convs = new JsonArray();
        JsonArray refConvs = new JsonArray();
        for (int[] s : cases.contains("conv2d") ? CONV_SHAPES : new int[0][]) {
            StringBuilder request = new StringBuilder("conv");
            for (int v : s) {
                request.append(' ').append(v);
            }
            JsonObject mine = null;
            JsonObject theirs = null;
            for (int round = 0; round < rounds; round++) {
                mine = better(mine, conv2d(s));
                if (reference != null) {
                    progress.accept("PyTorch conv2d");
                    theirs = better(theirs, reference.ask(request.toString()));
                }
            }
            convs.add(mine);
            if (theirs != null) {
                refConvs.add(theirs);
            }
        }
        JsonObject mine = null;
        JsonObject theirs = null;
        for (int round = 0; round < (cases.contains("lenet") ? rounds : 0); round++) {
            mine = better(mine, lenet());
            if (reference != null) {
                progress.accept("PyTorch lenet");
                theirs = better(theirs, reference.ask("lenet"));
            }
        }
        if (cases.contains("sgemm")) {
            result.add("sgemm", sgemm);
        }
        if (cases.contains("conv2d")) {
            result.add("conv2d", convs);
        }
        if (cases.contains("lenet")) {
            result.add("lenet", mine);
        }
        if (reference != null) {
            if (cases.contains("sgemm")) {
                ref.add("sgemm", refSgemm);
            }
            if (cases.contains("conv2d")) {
                ref.add("conv2d", refConvs);
            }
            if (cases.contains("lenet")) {
                ref.add("lenet", theirs);
            }
            result.add("reference", ref);
        }
        return result;
    }

    /** Rounds per case (Fovea and PyTorch alternate): each side keeps its best median. */
    public static final int ROUNDS = 3;

    /**
     * The better of two measurements of one case (the less disturbed one on a shared machine): higher
     * GFLOP/s or samples/s, lower milliseconds (each field on its own).
     */
    static JsonObject better(JsonObject a, JsonObject b) {
        if (a == null) {
            return b;
        }
        JsonObject r = a.deepCopy();
        for (String key : b.keySet()) {
            if (!a.has(key) || !b.get(key).isJsonPrimitive() || !b.get(key).getAsJsonPrimitive().isNumber()) {
                continue;
            }
            double x = a.get(key).getAsDouble();
            double y = b.get(key).getAsDouble();
            if (key.endsWith("Ms") && !key.equals("measuredMs") && !key.equals("gcMs")) {
                r.addProperty(key, Math.min(x, y));
            } else if (key.equals("gflops") || key.equals("forwardGflops") || key.equals("trainSamplesPerSecond")) {
                r.addProperty(key, Math.max(x, y));
                if (key.equals("trainSamplesPerSecond") && y > x && b.has("gcMs")) {
                    r.add("gcMs", b.get("gcMs"));
                    r.add("measuredMs", b.get("measuredMs"));
                }
            }
        }
        return r;
    }

    /**
     * Runs small products and convolutions (forward and backward, with shared dimensions beyond one
     * cache block) for a few seconds, so that the JIT has compiled every kernel, in every branch,
     * before the first measurement.
     */
    void warmUp() {
        progress.accept("JIT warm-up");
        RandomSource rng = new RandomSource(4);
        long end = System.nanoTime() + (quick ? 500 : 5000) * 1_000_000L;
        try (Tensor a = Tensors.randn(device, DType.FLOAT32, Shape.of(200, 600), rng);
                Tensor b = Tensors.randn(device, DType.FLOAT32, Shape.of(600, 300), rng);
                Tensor x = Tensors.randn(device, DType.FLOAT32, Shape.of(8, 32, 14, 14), rng).requiresGrad(true);
                Tensor w = Tensors.randn(device, DType.FLOAT32, Shape.of(40, 32, 5, 5), rng).requiresGrad(true);
                Tensor bias = Tensors.randn(device, DType.FLOAT32, Shape.of(40), rng).requiresGrad(true)) {
            ConvSpec spec = ConvSpec.of(1, 2, 1, 1);
            while (System.nanoTime() < end) {
                try (Tensor c = a.matmul(b)) {
                    sync(c);
                }
                x.zeroGrad();
                w.zeroGrad();
                bias.zeroGrad();
                try (Tensor out = Functional.conv2d(x, w, bias, spec)) {
                    out.sum().backward();
                }
                sync(w.grad());
            }
        }
    }

    private int warmups() {
        return quick ? 1 : 3;
    }

    private long warmupMillis() {
        return quick ? 200 : 2000;
    }

    private int reps() {
        return quick ? 3 : 10;
    }

    /**
     * Median wall time of {@code run} in milliseconds, after {@code warmups} runs and at least
     * {@link #warmupMillis()} of running it (the JIT compiles the SIMD kernels only once they are hot).
     */
    private double medianMillis(int warmups, int reps, Runnable run) {
        long start = System.nanoTime();
        for (int i = 0; i < warmups || System.nanoTime() - start < warmupMillis() * 1_000_000L; i++) {
            run.run();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return median(ms);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Waits for {@code t}: reads its first element back. */
    private static void sync(Tensor t) {
        t.flatten(0).slice(0, 0, 1).toFloatArray();
    }

    JsonObject sgemm(int n) {
        progress.accept("sgemm " + n);
        RandomSource rng = new RandomSource(1);
        try (Tensor a = Tensors.randn(device, DType.FLOAT32, Shape.of(n, n), rng);
                Tensor b = Tensors.randn(device, DType.FLOAT32, Shape.of(n, n), rng)) {
            double ms = medianMillis(warmups(), n >= 2048 ? Math.max(3, reps() / 2) : reps(), () -> {
                try (Tensor c = a.matmul(b)) {
                    sync(c);
                }
            });
            JsonObject o = new JsonObject();
            o.addProperty("n", n);
            o.addProperty("gflops", 2.0 * n * n * n / (ms * 1e6));
            return o;
        }
    }

    JsonObject conv2d(int[] s) {
        int n = s[0];
        int cin = s[1];
        int h = s[2];
        int w = s[3];
        int cout = s[4];
        int k = s[5];
        int pad = s[6];
        progress.accept("conv2d " + n + "x" + cin + "x" + h + "x" + w + " -> " + cout + ", " + k + "x" + k);
        RandomSource rng = new RandomSource(2);
        ConvSpec spec = ConvSpec.of(1, pad, 1, 1);
        try (Tensor x = Tensors.randn(device, DType.FLOAT32, Shape.of(n, cin, h, w), rng);
                Tensor wt = Tensors.randn(device, DType.FLOAT32, Shape.of(cout, cin, k, k), rng);
                Tensor bias = Tensors.randn(device, DType.FLOAT32, Shape.of(cout), rng);
                Tensor grad = Tensors.randn(device, DType.FLOAT32, Shape.of(n, cout, h, w), rng)) {
            double forward = medianMillis(warmups(), reps(), () -> {
                try (Tensor out = Functional.conv2d(x, wt, bias, spec)) {
                    sync(out);
                }
            });
            x.requiresGrad(true);
            wt.requiresGrad(true);
            bias.requiresGrad(true);
            double forwardBackward = medianMillis(warmups(), Math.max(3, reps() * 2 / 3), () -> {
                x.zeroGrad();
                wt.zeroGrad();
                bias.zeroGrad();
                try (Tensor out = Functional.conv2d(x, wt, bias, spec)) {
                    out.backward(grad, false);
                }
                sync(x.grad());
                sync(wt.grad());
                sync(bias.grad());
                x.grad().close();
                wt.grad().close();
                bias.grad().close();
            });
            JsonObject o = new JsonObject();
            o.addProperty("n", n);
            o.addProperty("cin", cin);
            o.addProperty("h", h);
            o.addProperty("w", w);
            o.addProperty("cout", cout);
            o.addProperty("k", k);
            o.addProperty("pad", pad);
            o.addProperty("forwardMs", forward);
            o.addProperty("forwardBackwardMs", forwardBackward);
            o.addProperty("forwardGflops", 2.0 * n * cout * cin * k * k * h * w / (forward * 1e6));
            return o;
        }
    }

    JsonObject lenet() {
        progress.accept("lenet training steps, batch " + BATCH);
        Sequential model = Models.LENET.configFor(Shape.of(1, 28, 28), 10).init(device, 42);
        Optimizer optimizer = Sgd.momentum(0.9).lr(0.01).over(model.parameters());
        RandomSource rng = new RandomSource(3);
        int[] labelValues = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labelValues[i] = (i * 7) % 10;
        }
        try (Tensor images = Tensors.randn(device, DType.FLOAT32, Shape.of(BATCH, 1, 28, 28), rng);
                Tensor labels = ClassLabels.upload(device, labelValues, 10)) {
            // the step as the Trainer runs it: in a TensorScope, so activations and temporaries go back
            // to the backend's memory pool when the step ends, not when the garbage collector finds them
            Runnable step = () -> {
                try (TensorScope scope = TensorScope.open()) {
                    optimizer.zeroGrad();
                    Tensor loss = Losses.crossEntropy(model.forward(images), labels);
                    loss.backward();
                    optimizer.step();
                    loss.item();
                }
            };
            int warm = quick ? 3 : 20;
            int windows = quick ? 3 : 5;
            int steps = quick ? 3 : 20;
            long warmStart = System.nanoTime();
            for (int i = 0; i < warm || System.nanoTime() - warmStart < 2 * warmupMillis() * 1_000_000L; i++) {
                step.run();
            }
            double[] rates = new double[windows];
            long gc0 = gcMillis();
            long t0 = System.nanoTime();
            for (int wi = 0; wi < windows; wi++) {
                long start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step.run();
                }
                rates[wi] = (double) BATCH * steps / ((System.nanoTime() - start) / 1e9);
            }
            double measured = (System.nanoTime() - t0) / 1e6;
            JsonObject o = new JsonObject();
            o.addProperty("batchSize", BATCH);
            o.addProperty("trainSamplesPerSecond", median(rates));
            o.addProperty("gcMs", (double) (gcMillis() - gc0));
            o.addProperty("measuredMs", measured);
            return o;
        }
    }

    /** Milliseconds all collectors have spent so far. */
    static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}

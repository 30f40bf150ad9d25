package dev.fovea.backend.opencl;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.BackendProvider;
import dev.fovea.api.backend.BinaryOp;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.DeviceBuffer;
import dev.fovea.api.backend.PoolOp;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.api.backend.RandomSpec;
import dev.fovea.api.backend.ReduceOp;
import dev.fovea.api.backend.StridedView;
import dev.fovea.api.backend.UnaryOp;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Times a few kernels on every backend on the class path (not a test; performance never goes in unit
 * tests). Run from the repository root after {@code mvn -o install -DskipTests} and
 * {@code mvn -o test-compile -pl backend-opencl}:
 *
 * <pre>
 * CP=backend-opencl/target/test-classes:backend-opencl/target/classes:api/target/classes:backend-cpu/target/classes:$HOME/.m2/repository/org/jocl/jocl/2.0.5/jocl-2.0.5.jar
 * LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java -DuniqueLibraryNames=true -cp $CP dev.fovea.backend.opencl.OpenClThroughput
 * </pre>
 *
 * Each kernel runs twice to warm up (PoCL compiles at the first launch), then repeatedly for about a
 * second; the OpenCL queue is drained before the clock stops. Prints one Markdown table row per kernel.
 */
public final class OpenClThroughput {
    private OpenClThroughput() {}

    private interface Kernel {
        void run();
    }

    private record Case(String name, double work, String unit, Kernel kernel) {}

    public static void main(String[] args) {
        List<Backend> backends = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.availability().isAvailable()) {
                backends.add(p.open(p.defaultDeviceIndex()));
            } else {
                System.out.println("(" + p.name() + " unavailable: " + p.availability().reason() + ")");
            }
        }
        System.out.println("| kernel | size | " + String.join(" | ", backends.stream()
                .map(b -> b.device().id() + " (" + b.device().name() + ")").toList()) + " |");
        System.out.println("|---|---|" + "---|".repeat(backends.size()));
        List<String> names = null;
        List<List<String>> columns = new ArrayList<>();
        List<String> sizes = new ArrayList<>();
        for (Backend b : backends) {
            List<String> column = new ArrayList<>();
            List<Case> cases = cases(b, sizes.isEmpty() ? sizes : null);
            for (Case c : cases) {
                column.add(measure(b, c));
            }
            if (names == null) {
                names = cases.stream().map(Case::name).toList();
            }
            columns.add(column);
        }
        for (int i = 0; names != null && i < names.size(); i++) {
            StringBuilder row = new StringBuilder("| " + names.get(i) + " | " + sizes.get(i) + " |");
            for (List<String> column : columns) {
                row.append(' ').append(column.get(i)).append(" |");
            }
            System.out.println(row);
        }
        backends.forEach(Backend::close);
    }

    private static String measure(Backend b, Case c) {
        c.kernel.run();
        c.kernel.run();
        sync(b);
        int reps = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            c.kernel.run();
            reps++;
            sync(b);
            elapsed = System.nanoTime() - start;
        } while (elapsed < 1_000_000_000L && reps < 200);
        double seconds = elapsed / 1e9 / reps;
        return String.format(Locale.ROOT, "%.2f %s (%.1f ms)", c.work / seconds / 1e9, c.unit, seconds * 1e3);
    }

    private static void sync(Backend b) {
        if (b instanceof OpenClBackend cl) {
            cl.finish();
        }
    }

    private static StridedView random(Backend b, int... dims) {
        Shape shape = Shape.of(dims);
        DeviceBuffer buf = b.allocate(DType.FLOAT32, shape.numel());
        StridedView v = StridedView.contiguous(buf, shape);
        b.fillRandom(RandomSpec.uniform(-1, 1), 1, 0, v);
        return v;
    }

    private static StridedView empty(Backend b, int... dims) {
        Shape shape = Shape.of(dims);
        return StridedView.contiguous(b.allocate(DType.FLOAT32, shape.numel()), shape);
    }

    private static List<Case> cases(Backend b, List<String> sizes) {
        List<Case> cases = new ArrayList<>();
        int n = 1 << 22;
        StridedView x = random(b, n);
        StridedView y = random(b, n);
        StridedView out = empty(b, n);
        cases.add(new Case("binary ADD (f32)", n, "G elem/s", () -> b.binary(BinaryOp.ADD, x, y, out)));
        cases.add(new Case("unary EXP (f32)", n, "G elem/s", () -> b.unary(UnaryOp.EXP, x, out)));
        StridedView one = empty(b, 1);
        cases.add(new Case("reduce SUM to a scalar (f32)", n, "G elem/s",
                () -> b.reduce(ReduceOp.SUM, x, new int[] {0}, one)));
        StridedView rows = StridedView.contiguous(x.buffer(), Shape.of(4096, 1024));
        StridedView rowSums = empty(b, 4096, 1);
        cases.add(new Case("reduce SUM over rows (f32)", n, "G elem/s",
                () -> b.reduce(ReduceOp.SUM, rows, new int[] {1}, rowSums)));
        cases.add(new Case("fillRandom normal (f32)", n, "G elem/s",
                () -> b.fillRandom(RandomSpec.normal(0, 1), 7, 0, out)));
        int m = 512;
        StridedView a = random(b, 1, m, m);
        StridedView c = random(b, 1, m, m);
        StridedView prod = empty(b, 1, m, m);
        cases.add(new Case("matmul (f32)", 2.0 * m * m * m, "GFLOP/s", () -> b.matmul(a, c, prod)));
        // LeNet's second convolution on a batch of 64: 32 -> 64 channels, 14x14, 5x5, padding 2.
        int batch = 64;
        StridedView img = random(b, batch, 32, 14, 14);
        StridedView w = random(b, 64, 32, 5, 5);
        StridedView bias = random(b, 64);
        StridedView conv = empty(b, batch, 64, 14, 14);
        ConvSpec spec = ConvSpec.of(1, 2, 1, 1);
        double convFlops = 2.0 * batch * 64 * 14 * 14 * 32 * 25;
        cases.add(new Case("conv2d forward (f32)", convFlops, "GFLOP/s", () -> b.conv2d(img, w, bias, conv, spec)));
        StridedView gx = empty(b, batch, 32, 14, 14);
        cases.add(new Case("conv2d backward data (f32)", convFlops, "GFLOP/s",
                () -> b.conv2dBackwardData(conv, w, gx, spec)));
        StridedView gw = empty(b, 64, 32, 5, 5);
        cases.add(new Case("conv2d backward weights (f32)", convFlops, "GFLOP/s",
                () -> b.conv2dBackwardWeights(img, conv, gw, spec)));
        StridedView act = random(b, batch, 32, 28, 28);
        StridedView pooled = empty(b, batch, 32, 14, 14);
        StridedView gpool = empty(b, batch, 32, 28, 28);
        PoolSpec pool = PoolSpec.of(2, 2);
        double poolElems = (double) batch * 32 * 28 * 28;
        cases.add(new Case("max pool 2x2 forward (f32)", poolElems, "G elem/s",
                () -> b.pool2d(PoolOp.MAX, act, pooled, pool)));
        cases.add(new Case("max pool 2x2 backward (f32)", poolElems, "G elem/s",
                () -> b.pool2dBackward(PoolOp.MAX, act, pooled, gpool, pool)));
        FloatBuffer host = FloatBuffer.allocate(n);
        cases.add(new Case("download 16 MiB", 4.0 * n, "GB/s", () -> b.download(x.buffer(), 0, host)));
        if (sizes != null) {
            sizes.addAll(List.of("2^22", "2^22", "2^22", "4096x1024", "2^22", "512^3", "64x32x14x14, 64x5x5",
                    "64x32x14x14, 64x5x5", "64x32x14x14, 64x5x5", "64x32x28x28", "64x32x28x28", "2^22 floats"));
        }
        return cases;
    }
}

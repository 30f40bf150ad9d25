package dev.fovea.benchmarks;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.RandomSource;
import dev.fovea.core.tensor.Tensors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** FLOAT32 {@code n x n} matrix product; GFLOP/s = {@code 2 n^3 / (time per op)}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SgemmBenchmark {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    private Tensor a;
    private Tensor b;

    @Setup(Level.Trial)
    public void setUp() {
        RandomSource rng = new RandomSource(1);
        a = Tensors.randn(Devices.defaultDevice(), DType.FLOAT32, Shape.of(n, n), rng);
        b = Tensors.randn(Devices.defaultDevice(), DType.FLOAT32, Shape.of(n, n), rng);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public float matmul() {
        try (Tensor c = a.matmul(b)) {
            return c.flatten(0).slice(0, 0, 1).toFloatArray()[0];
        }
    }
}

package dev.fovea.benchmarks;

import dev.fovea.api.DType;
import dev.fovea.api.Device;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.core.device.Devices;
import dev.fovea.core.tensor.Functional;
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

/**
 * The performance issue's convolution shapes (NCHW FLOAT32, stride 1, bias): {@code forward} alone, and
 * {@code forwardBackward}, forward plus the input, weight and bias gradients through autograd.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    /** n x cin x h x w, cout, k, pad. */
    @Param({"64x1x28x28-32-5-2", "64x32x14x14-64-5-2", "32x64x56x56-64-3-1", "32x128x28x28-128-3-1"})
    public String shape;

    private Tensor x;
    private Tensor w;
    private Tensor bias;
    private Tensor grad;
    private ConvSpec spec;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("-");
        String[] in = parts[0].split("x");
        int n = Integer.parseInt(in[0]);
        int cin = Integer.parseInt(in[1]);
        int h = Integer.parseInt(in[2]);
        int wd = Integer.parseInt(in[3]);
        int cout = Integer.parseInt(parts[1]);
        int k = Integer.parseInt(parts[2]);
        spec = ConvSpec.of(1, Integer.parseInt(parts[3]), 1, 1);
        Device device = Devices.defaultDevice();
        RandomSource rng = new RandomSource(2);
        x = Tensors.randn(device, DType.FLOAT32, Shape.of(n, cin, h, wd), rng).requiresGrad(true);
        w = Tensors.randn(device, DType.FLOAT32, Shape.of(cout, cin, k, k), rng).requiresGrad(true);
        bias = Tensors.randn(device, DType.FLOAT32, Shape.of(cout), rng).requiresGrad(true);
        grad = Tensors.randn(device, DType.FLOAT32, Shape.of(n, cout, spec.outHeight(h, k), spec.outWidth(wd, k)), rng);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        bias.close();
        grad.close();
    }

    @Benchmark
    public float forward() {
        try (Tensor out = Functional.conv2d(x.detach(), w.detach(), bias.detach(), spec)) {
            return out.flatten(0).slice(0, 0, 1).toFloatArray()[0];
        }
    }

    @Benchmark
    public float forwardBackward() {
        x.zeroGrad();
        w.zeroGrad();
        bias.zeroGrad();
        try (Tensor out = Functional.conv2d(x, w, bias, spec)) {
            out.backward(grad, false);
        }
        float r = x.grad().flatten(0).slice(0, 0, 1).toFloatArray()[0] + w.grad().flatten(0).slice(0, 0, 1)
                .toFloatArray()[0] + bias.grad().flatten(0).slice(0, 0, 1).toFloatArray()[0];
        x.grad().close();
        w.grad().close();
        bias.grad().close();
        return r;
    }
}

package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.api.backend.ConvSpec;
import dev.fovea.api.backend.PoolSpec;
import dev.fovea.core.autograd.GradCheck;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every differentiable operation passes a float64 central-difference gradient check with PyTorch's
 * tolerances (eps 1e-6, atol 1e-5, rtol 1e-3) on the full Jacobian. Inputs avoid the points where an
 * operation is not differentiable (0 for abs/relu, clamp bounds, ties of max/maximum).
 */
class GradCheckOpsTest {
    private static long seeds = 1;

    /** A FLOAT64 parameter with values in [low, high). */
    private static Tensor r(double low, double high, int... shape) {
        int n = (int) Shape.of(shape).numel();
        return Tensors.of(TestData.cpu(), TestData.values(seeds++, n, low, high), shape).requiresGrad(true);
    }

    /** A FLOAT64 parameter with values in [-1, 1). */
    private static Tensor p(int... shape) {
        return r(-1, 1, shape);
    }

    /** A FLOAT64 parameter whose values are distinct and well apart (unique maxima). */
    private static Tensor distinct(int... shape) {
        int n = (int) Shape.of(shape).numel();
        return Tensors.of(TestData.cpu(), TestData.distinct(seeds++, n), shape).requiresGrad(true);
    }

    /** A FLOAT64 constant (no gradient). */
    private static Tensor c(int... shape) {
        return p(shape).detach();
    }

    private static Arguments op(String name, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return Arguments.of(Named.of(name, f), Arrays.asList(inputs));
    }

    private static Tensor x(List<Tensor> in) {
        return in.get(0);
    }

    private static Tensor y(List<Tensor> in) {
        return in.get(1);
    }

    static Stream<Arguments> ops() {
        return Stream.of(
                // ---- binary, broadcasting
                op("add [2,3]+[3]", in -> x(in).add(y(in)), p(2, 3), p(3)),
                op("add [2,1]+[1,3]", in -> x(in).add(y(in)), p(2, 1), p(1, 3)),
                op("sub [2,3]-[2,1]", in -> x(in).sub(y(in)), p(2, 3), p(2, 1)),
                op("mul [2,3]*[3]", in -> x(in).mul(y(in)), p(2, 3), p(3)),
                op("mul [3]*[2,2,3] (lhs broadcast over two dims)", in -> x(in).mul(y(in)), p(3), p(2, 2, 3)),
                op("div [2,3]/[2,1]", in -> x(in).div(y(in)), p(2, 3), r(0.5, 2, 2, 1)),
                op("pow tensor exponent [2,3]^[3]", in -> x(in).pow(y(in)), r(0.5, 2, 2, 3), r(-1.5, 2, 3)),
                op("maximum [2,3],[3]", in -> x(in).maximum(y(in)), p(2, 3), p(3)),
                op("minimum [2,3],[2,1]", in -> x(in).minimum(y(in)), p(2, 3), p(2, 1)),
                op("mul with constant operand (only one input differentiated)", in -> x(in).mul(y(in)), p(2, 3), c(3)),
                // ---- scalar
                op("add scalar", in -> x(in).add(2.5), p(2, 3)),
                op("sub scalar", in -> x(in).sub(-1.5), p(2, 3)),
                op("mul scalar", in -> x(in).mul(-3.0), p(2, 3)),
                op("div scalar", in -> x(in).div(4.0), p(2, 3)),
                op("pow scalar 2.5", in -> x(in).pow(2.5), r(0.5, 2, 2, 3)),
                op("pow scalar -1.5", in -> x(in).pow(-1.5), r(0.5, 2, 2, 3)),
                // ---- unary
                op("neg", in -> x(in).neg(), p(2, 3)),
                op("abs", in -> x(in).abs(), distinct(2, 3).add(0.01).detach().requiresGrad(true)),
                op("exp", in -> x(in).exp(), p(2, 3)),
                op("log", in -> x(in).log(), r(0.2, 3, 2, 3)),
                op("sqrt", in -> x(in).sqrt(), r(0.2, 3, 2, 3)),
                op("square", in -> x(in).square(), p(2, 3)),
                op("reciprocal", in -> x(in).reciprocal(), r(0.5, 2, 2, 3)),
                op("sin", in -> x(in).sin(), r(-3, 3, 2, 3)),
                op("cos", in -> x(in).cos(), r(-3, 3, 2, 3)),
                op("relu", in -> x(in).relu(), distinct(2, 4).add(0.01).detach().requiresGrad(true)),
                op("leakyRelu 0.1", in -> x(in).leakyRelu(0.1), distinct(2, 4).add(0.01).detach().requiresGrad(true)),
                op("sigmoid", in -> x(in).sigmoid(), r(-4, 4, 2, 3)),
                op("tanh", in -> x(in).tanh(), r(-2, 2, 2, 3)),
                op("gelu", in -> x(in).gelu(), r(-3, 3, 2, 4)),
                op("clamp [-0.5, 0.5]", in -> x(in).clamp(-0.5, 0.5),
                        distinct(2, 5).add(0.01).detach().requiresGrad(true)),
                // ---- reductions
                op("sum all", in -> x(in).sum(), p(2, 3)),
                op("sum axes [0,2] keepDims", in -> x(in).sum(new int[] {0, 2}, true), p(2, 3, 2)),
                op("sum axis -1", in -> x(in).sum(-1), p(2, 3, 2)),
                op("mean all", in -> x(in).mean(), p(2, 3)),
                op("mean axes [1] keepDims", in -> x(in).mean(new int[] {1}, true), p(2, 3, 2)),
                op("mean axis 0", in -> x(in).mean(0), p(3, 2)),
                op("max all", in -> x(in).max(), distinct(3, 4)),
                op("max axis 1 keepDim", in -> x(in).max(1, true), distinct(2, 4, 2)),
                op("max axis -1", in -> x(in).max(-1, false), distinct(3, 4)),
                // ---- views and shape
                op("reshape with -1", in -> x(in).reshape(3, -1), p(2, 3)),
                op("reshape of a non-contiguous view (copies)", in -> x(in).transpose(0, 1).reshape(-1), p(2, 3)),
                op("transpose", in -> x(in).transpose(0, 2).mul(y(in)), p(2, 3, 4), c(4, 3, 2)),
                op("permute", in -> x(in).permute(2, 0, 1).mul(y(in)), p(2, 3, 4), c(4, 2, 3)),
                op("slice", in -> x(in).slice(1, 1, 3).mul(y(in)), p(2, 4), c(2, 2)),
                op("unsqueeze", in -> x(in).unsqueeze(1).mul(y(in)), p(2, 3), c(2, 2, 3)),
                op("squeeze", in -> x(in).squeeze(1).mul(y(in)), p(2, 1, 3), c(2, 3)),
                op("flatten", in -> x(in).flatten(1).mul(y(in)), p(2, 2, 3), c(2, 6)),
                op("expand", in -> x(in).expand(Shape.of(2, 3, 4)).mul(y(in)), p(3, 1), c(2, 3, 4)),
                op("contiguous of a transpose", in -> x(in).transpose(0, 1).contiguous().mul(y(in)), p(2, 3), c(3, 2)),
                op("view chain: slice of permute then reshape", in -> x(in).permute(1, 0, 2).slice(0, 1, 3).reshape(-1),
                        p(2, 3, 2)),
                // ---- matmul (torch.matmul semantics)
                op("matmul 2-D", in -> x(in).matmul(y(in)), p(2, 3), p(3, 4)),
                op("matmul 1-D @ 2-D", in -> x(in).matmul(y(in)), p(3), p(3, 2)),
                op("matmul 2-D @ 1-D", in -> x(in).matmul(y(in)), p(2, 3), p(3)),
                op("matmul 1-D @ 1-D", in -> x(in).matmul(y(in)), p(4), p(4)),
                op("matmul batched", in -> x(in).matmul(y(in)), p(2, 2, 3), p(2, 3, 2)),
                op("matmul batched @ 2-D (rhs broadcast)", in -> x(in).matmul(y(in)), p(2, 2, 3), p(3, 2)),
                op("matmul broadcast batch dims [2,1,2,3]@[3,3,2]", in -> x(in).matmul(y(in)), p(2, 1, 2, 3),
                        p(3, 3, 2)),
                op("matmul with transposed operand", in -> x(in).transpose(0, 1).matmul(y(in)), p(3, 2), p(3, 2)),
                // ---- softmax
                op("softmax axis 1", in -> x(in).softmax(1), r(-2, 2, 2, 4)),
                op("softmax axis 0", in -> x(in).softmax(0), r(-2, 2, 3, 2)),
                op("logSoftmax axis -1", in -> x(in).logSoftmax(-1), r(-2, 2, 2, 4)),
                op("softmax weighted (non-uniform upstream)", in -> x(in).softmax(1).mul(y(in)).sum(), p(2, 4), c(2, 4)),
                // ---- combining
                op("where with broadcasting", in -> Tensors.where(in.get(0), in.get(1), in.get(2)),
                        Tensors.of(TestData.cpu(), new double[] {1, 0, 1}, 3), p(2, 3), p(2, 1)),
                op("concat axis 1", in -> Tensors.concat(1, in), p(2, 1), p(2, 3), p(2, 2)),
                op("concat axis 0", in -> Tensors.concat(0, in), p(1, 3), p(2, 3)),
                op("stack axis 1", in -> Tensors.stack(1, in), p(2, 3), p(2, 3)),
                // ---- convolution
                op("conv2d plain with bias", in -> Functional.conv2d(x(in), y(in), in.get(2), ConvSpec.defaults()),
                        p(2, 2, 4, 4), p(3, 2, 2, 2), p(3)),
                op("conv2d stride 2", in -> Functional.conv2d(x(in), y(in), null, ConvSpec.of(2, 0, 1, 1)),
                        p(1, 2, 5, 5), p(2, 2, 3, 3)),
                op("conv2d asymmetric padding", in -> Functional.conv2d(x(in), y(in), in.get(2),
                        new ConvSpec(1, 1, 1, 0, 2, 1, 1, 1, 1)), p(1, 1, 3, 4), p(2, 1, 2, 3), p(2)),
                op("conv2d dilation 2", in -> Functional.conv2d(x(in), y(in), null, ConvSpec.of(1, 0, 2, 1)),
                        p(1, 2, 5, 5), p(2, 2, 2, 2)),
                op("conv2d groups 2", in -> Functional.conv2d(x(in), y(in), in.get(2), ConvSpec.of(1, 0, 1, 2)),
                        p(1, 4, 3, 3), p(4, 2, 2, 2), p(4)),
                op("conv2d stride 2 + asymmetric padding + dilation 2 + groups 2", in -> Functional.conv2d(x(in), y(in),
                        in.get(2), new ConvSpec(2, 2, 1, 2, 2, 1, 2, 2, 2)), p(1, 4, 5, 5), p(2, 2, 2, 2), p(2)),
                op("conv2d unbatched [C,H,W]", in -> Functional.conv2d(x(in), y(in), null, ConvSpec.of(1, 1, 1, 1)),
                        p(2, 3, 3), p(2, 2, 2, 2)),
                op("conv2d input gradient only (constant weight)",
                        in -> Functional.conv2d(x(in), y(in), null, ConvSpec.defaults()), p(1, 2, 3, 3), c(2, 2, 2, 2)),
                op("conv1d stride 2 padding 1 dilation 2 groups 2",
                        in -> Functional.conv1d(x(in), y(in), in.get(2), 2, 1, 2, 2), p(2, 2, 7), p(4, 1, 3), p(4)),
                op("conv1d unbatched [C,L]", in -> Functional.conv1d(x(in), y(in), null, 1, 0, 1, 1), p(2, 5),
                        p(3, 2, 2)),
                // ---- pooling
                op("maxPool2d overlapping kernel 3 stride 2", in -> Functional.maxPool2d(x(in), PoolSpec.of(3, 2)),
                        distinct(1, 2, 5, 5)),
                op("maxPool2d kernel 2 stride 2 padding 1", in -> Functional.maxPool2d(x(in),
                        new PoolSpec(2, 2, 2, 2, 1, 1, true)), distinct(2, 1, 4, 4)),
                op("avgPool2d kernel 3 stride 2 padding 1 (count padding)", in -> Functional.avgPool2d(x(in),
                        new PoolSpec(3, 3, 2, 2, 1, 1, true)), p(1, 2, 5, 5)),
                op("avgPool2d kernel 3 stride 1 padding 1 (exclude padding)", in -> Functional.avgPool2d(x(in),
                        new PoolSpec(3, 3, 1, 1, 1, 1, false)), p(1, 1, 4, 4)),
                op("maxPool1d kernel 3 stride 2", in -> Functional.maxPool1d(x(in), 3, 2), distinct(2, 2, 7)),
                op("avgPool1d kernel 2 stride 1 padding 1", in -> Functional.avgPool1d(x(in), 2, 1, 1), p(1, 2, 5)),
                // ---- composite and custom
                op("custom function with a correct backward", in -> CustomFunction.apply("cube", in,
                        v -> v.get(0).pow(3.0), (g, v, out) -> List.of(g.mul(v.get(0).square()).mul(3.0))), p(2, 3)),
                op("two-layer network with loss", in -> x(in).matmul(y(in)).tanh().matmul(in.get(2)).logSoftmax(1)
                        .mean(), c(3, 4), p(4, 5), p(5, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void gradientsMatchCentralDifferences(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        for (Tensor t : inputs) {
            assertTrue(t.dtype() == DType.FLOAT64);
        }
        GradCheck.assertGradients(f, inputs);
    }
}

package dev.fovea.core.autograd;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.api.Tensor;
import dev.fovea.core.tensor.NoGrad;
import dev.fovea.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks a function's gradients against float64 central differences, like PyTorch's
 * {@code torch.autograd.gradcheck} (same defaults: eps 1e-6, atol 1e-5, rtol 1e-3).
 *
 * <pre>{@code
 * Tensor x = Tensors.of(device, new double[] {0.3, -1.2, 2.0}, 3).requiresGrad(true);
 * GradCheck.assertGradients(in -> in.get(0).tanh().sum(), List.of(x));
 * }</pre>
 *
 * <p><b>How.</b> For each input that requires a gradient, the full Jacobian of the output with
 * respect to it is computed twice and compared element by element with
 * {@code |analytic - numeric| <= atol + rtol * |numeric|}:
 * <ul>
 *   <li><i>numeric</i>: each input element is moved by {@code +eps} and {@code -eps} and the function
 *       evaluated twice (in a no-grad scope): column {@code (f(x + eps) - f(x - eps)) / (2 eps)};</li>
 *   <li><i>analytic</i>: the function is evaluated once with graph; then, for each output element
 *       {@code j}, one backward pass with a one-hot upstream gradient (1 at {@code j}) yields row
 *       {@code j} of the Jacobian in the inputs' gradients. This checks the backward rules on every
 *       upstream direction, not just one random projection, at the cost of one backward per output
 *       element - fine for the small tensors a gradient check uses.</li>
 * </ul>
 * The check works on fresh copies of the inputs, so the caller's tensors (values, gradients) are
 * left as they were. Inputs that require a gradient, and the output, must be FLOAT64 so that the
 * finite differences mean something; inputs that do not require one are passed through unchanged.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Step and tolerances; build with {@link #defaults()} and the {@code with*} methods. */
    public record Options(double eps, double atol, double rtol) {
        public Options {
            checkArgument(eps > 0, "gradcheck eps must be > 0, got %s", eps);
            checkArgument(atol >= 0 && rtol >= 0, "gradcheck tolerances must be >= 0, got atol %s, rtol %s", atol,
                    rtol);
        }

        /** PyTorch's defaults: eps 1e-6, atol 1e-5, rtol 1e-3. */
        public static Options defaults() {
            return new Options(1e-6, 1e-5, 1e-3);
        }

        public Options withEps(double value) {
            return new Options(value, atol, rtol);
        }

        public Options withAtol(double value) {
            return new Options(eps, value, rtol);
        }

        public Options withRtol(double value) {
            return new Options(eps, atol, value);
        }
    }

    /**
     * The comparison for one input.
     *
     * @param inputIndex position of the input in the list given to the check
     * @param shape the input's shape
     * @param passed whether every Jacobian element was within tolerance
     * @param maxAbsError the largest {@code |analytic - numeric|} over its Jacobian
     * @param worstOutputIndex row-major index of the output element of the worst Jacobian entry (the one
     *     furthest outside, or closest to, its tolerance)
     * @param worstElementIndex row-major index of the input element of that entry
     * @param numeric the finite-difference derivative there
     * @param analytic the back-propagated derivative there
     */
    public record InputResult(
            int inputIndex,
            Shape shape,
            boolean passed,
            double maxAbsError,
            int worstOutputIndex,
            int worstElementIndex,
            double numeric,
            double analytic) {

        /** One line naming the input, the element and both values. */
        public String describe() {
            return "input " + inputIndex + " " + shape + ": " + (passed ? "ok" : "MISMATCH") + ", max |error| "
                    + maxAbsError + "; worst at element " + worstElementIndex + " (output element "
                    + worstOutputIndex + "): numeric " + numeric + ", analytic " + analytic;
        }
    }

    /**
     * The outcome of a check.
     *
     * @param passed whether every checked input passed
     * @param inputs one entry per input that requires a gradient, in input order
     * @param options the step and tolerances used
     */
    public record Result(boolean passed, ImmutableList<InputResult> inputs, Options options) {
        /** A readable report of every checked input. */
        public String describe() {
            StringBuilder sb = new StringBuilder("gradient check ").append(passed ? "passed" : "FAILED")
                    .append(" (eps ").append(options.eps()).append(", atol ").append(options.atol())
                    .append(", rtol ").append(options.rtol()).append(')');
            for (InputResult r : inputs) {
                sb.append("\n  ").append(r.describe());
            }
            return sb.toString();
        }
    }

    /** Checks with PyTorch's default step and tolerances. */
    public static Result check(Function<List<Tensor>, Tensor> f, List<? extends Tensor> inputs) {
        return check(f, inputs, Options.defaults());
    }

    /**
     * Compares analytic and numeric Jacobians of {@code f} at {@code inputs} for every input that
     * requires a gradient.
     *
     * @throws IllegalArgumentException if no input requires a gradient, or an input that does (or the
     *     output) is not FLOAT64
     */
    @SuppressWarnings("try") // the scope only brackets the body
    public static Result check(Function<List<Tensor>, Tensor> f, List<? extends Tensor> inputs, Options options) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(options, "options");
        List<Tensor> given = List.copyOf(inputs);
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            Tensor t = given.get(i);
            if (t.dtype() == DType.FLOAT32) {
                throw new IllegalArgumentException("gradcheck: input " + i + " " + t.shape()
                        + " is FLOAT32; finite differences need FLOAT64 inputs, create them with to(DType.FLOAT64)");
            }
            if (t.requiresGrad()) {
                checked.add(i);
            }
        }
        checkArgument(!checked.isEmpty(), "gradcheck: no input requires a gradient; mark the inputs to check with "
                + "requiresGrad(true)");

        double[][] values = new double[given.size()][];
        for (int i : checked) {
            values[i] = given.get(i).toDoubleArray();
        }

        // Analytic Jacobians: one backward per output element with a one-hot upstream gradient.
        List<Tensor> leaves = new ArrayList<>(given);
        for (int i : checked) {
            leaves.set(i, Tensors.of(given.get(i).device(), values[i], given.get(i).shape().dims()).requiresGrad(true));
        }
        Tensor out = f.apply(List.copyOf(leaves));
        if (out.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("gradcheck: the function returned a " + out.dtype()
                    + " tensor; it must compute in FLOAT64");
        }
        int m = Math.toIntExact(out.numel());
        double[][][] analytic = new double[given.size()][][];
        for (int i : checked) {
            analytic[i] = new double[m][values[i].length];
        }
        if (out.requiresGrad()) {
            for (int j = 0; j < m; j++) {
                double[] oneHot = new double[m];
                oneHot[j] = 1.0;
                out.backward(Tensors.of(out.device(), oneHot, out.shape().dims()), j < m - 1);
                for (int i : checked) {
                    Tensor g = leaves.get(i).grad();
                    if (g != null) {
                        analytic[i][j] = g.toDoubleArray();
                        leaves.get(i).zeroGrad();
                    }
                }
            }
        }

        // Numeric Jacobians: central differences, two forwards per input element.
        double eps = options.eps();
        ImmutableList.Builder<InputResult> results = ImmutableList.builder();
        boolean allPassed = true;
        try (NoGrad scope = NoGrad.enter()) {
            for (int i : checked) {
                int n = values[i].length;
                double[][] numeric = new double[m][n];
                for (int k = 0; k < n; k++) {
                    double[] plus = evaluate(f, given, i, values[i], k, eps, m);
                    double[] minus = evaluate(f, given, i, values[i], k, -eps, m);
                    for (int j = 0; j < m; j++) {
                        numeric[j][k] = (plus[j] - minus[j]) / (2 * eps);
                    }
                }
                InputResult r = compare(i, given.get(i).shape(), analytic[i], numeric, options);
                allPassed &= r.passed();
                results.add(r);
            }
        }
        return new Result(allPassed, results.build(), options);
    }

    /** f with element {@code k} of input {@code i} moved by {@code delta}, as doubles. */
    private static double[] evaluate(Function<List<Tensor>, Tensor> f, List<Tensor> given, int i, double[] base, int k,
            double delta, int m) {
        double[] moved = base.clone();
        moved[k] += delta;
        List<Tensor> in = new ArrayList<>(given);
        Tensor t = Tensors.of(given.get(i).device(), moved, given.get(i).shape().dims());
        in.set(i, t);
        Tensor out = f.apply(List.copyOf(in));
        double[] result = out.toDoubleArray();
        if (result.length != m) {
            throw new IllegalStateException("gradcheck: the function returned " + result.length + " elements for "
                    + "perturbed input, " + m + " before; it must not depend on anything but its inputs' values");
        }
        t.close();
        return result;
    }

    private static InputResult compare(int input, Shape shape, double[][] analytic, double[][] numeric, Options o) {
        boolean passed = true;
        double maxAbs = 0;
        double worstRatio = -1;
        int worstJ = 0;
        int worstK = 0;
        for (int j = 0; j < numeric.length; j++) {
            for (int k = 0; k < numeric[j].length; k++) {
                double a = analytic[j][k];
                double n = numeric[j][k];
                double err = Math.abs(a - n);
                double allowed = o.atol() + o.rtol() * Math.abs(n);
                boolean ok = err <= allowed;
                double ratio = ok ? err / allowed : Double.POSITIVE_INFINITY;
                if (!ok && Double.isFinite(err)) {
                    ratio = 1 + err / allowed;
                }
                if (!(err <= maxAbs)) {
                    maxAbs = err;
                }
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worstJ = j;
                    worstK = k;
                }
                passed &= ok;
            }
        }
        double n = numeric.length == 0 || numeric[0].length == 0 ? 0 : numeric[worstJ][worstK];
        double a = numeric.length == 0 || numeric[0].length == 0 ? 0 : analytic[worstJ][worstK];
        return new InputResult(input, shape, passed, maxAbs, worstJ, worstK, n, a);
    }

    /**
     * Runs {@link #check(Function, List)} and throws when it fails.
     *
     * @throws AssertionError whose message names the input, the element and both derivatives
     */
    public static Result assertGradients(Function<List<Tensor>, Tensor> f, List<? extends Tensor> inputs) {
        return assertGradients(f, inputs, Options.defaults());
    }

    /** Like {@link #assertGradients(Function, List)} with the given step and tolerances. */
    public static Result assertGradients(Function<List<Tensor>, Tensor> f, List<? extends Tensor> inputs,
            Options options) {
        Result r = check(f, inputs, options);
        if (!r.passed()) {
            throw new AssertionError(r.describe());
        }
        return r;
    }
}

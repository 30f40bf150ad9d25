package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.assertValues;
import static dev.fovea.core.optim.OptimTesting.param;
import static dev.fovea.core.optim.OptimTesting.setGrad;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Optimizer;
import dev.fovea.api.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each optimizer's first steps against its update rule evaluated by hand, in double precision. */
class OptimizerFormulaTest {
    private static final double TOL = 1e-14;

    private static final double[] P0 = {1.0, -2.0, 0.5};
    private static final double[][] G = {{0.5, 1.0, -4.0}, {-1.0, 2.0, 0.25}, {3.0, -0.5, 1.0}};

    private static Map<String, Tensor> named(Tensor p) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("0.weight", p);
        return m;
    }

    /** Runs {@code steps} steps with the gradients {@link #G}, returning the parameter after each. */
    private static double[][] run(Tensor p, Optimizer optimizer, int steps) {
        double[][] out = new double[steps][];
        for (int t = 0; t < steps; t++) {
            setGrad(p, G[t]);
            optimizer.step();
            out[t] = p.toDoubleArray();
        }
        return out;
    }

    @Test
    void plainSgdMovesAgainstTheGradient() {
        Tensor p = param(P0, 3);
        double[][] got = run(p, Sgd.lr(0.1).over(named(p)), 2);
        double[] expected = P0.clone();
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 3; i++) {
                expected[i] -= 0.1 * G[t][i];
            }
            assertValues(expected, got[t], TOL, "step " + (t + 1));
        }
    }

    @Test
    void sgdMomentumStartsTheBufferAtTheGradient() {
        double lr = 0.1;
        double m = 0.9;
        Tensor p = param(P0, 3);
        double[][] got = run(p, Sgd.momentum(m).lr(lr).over(named(p)), 3);
        double[] w = P0.clone();
        double[] buf = new double[3];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) {
                buf[i] = t == 0 ? G[t][i] : m * buf[i] + G[t][i];
                w[i] -= lr * buf[i];
            }
            assertValues(w, got[t], TOL, "step " + (t + 1));
        }
        // Step 1 is plain SGD: the buffer starts at the gradient, not at (1 - dampening) * gradient.
        assertEquals(P0[0] - lr * G[0][0], got[0][0], TOL);
    }

    @Test
    void sgdNesterovWithWeightDecay() {
        double lr = 0.05;
        double m = 0.9;
        double wd = 0.1;
        Tensor p = param(P0, 3);
        double[][] got = run(p, Sgd.momentum(m).lr(lr).nesterov(true).weightDecay(wd).over(named(p)), 3);
        double[] w = P0.clone();
        double[] buf = new double[3];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) {
                double d = G[t][i] + wd * w[i];
                buf[i] = t == 0 ? d : m * buf[i] + d;
                w[i] -= lr * (d + m * buf[i]);
            }
            assertValues(w, got[t], TOL, "step " + (t + 1));
        }
    }

    @Test
    void sgdDampeningScalesNewGradientsAfterTheFirstStep() {
        double lr = 0.1;
        double m = 0.5;
        double damp = 0.25;
        Tensor p = param(P0, 3);
        double[][] got = run(p, Sgd.momentum(m).dampening(damp).lr(lr).over(named(p)), 3);
        double[] w = P0.clone();
        double[] buf = new double[3];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) {
                buf[i] = t == 0 ? G[t][i] : m * buf[i] + (1 - damp) * G[t][i];
                w[i] -= lr * buf[i];
            }
            assertValues(w, got[t], TOL, "step " + (t + 1));
        }
    }

    @Test
    void adamFirstTwoStepsFollowTheBiasCorrectedFormula() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        Tensor p = param(P0, 3);
        double[][] got = run(p, Adam.lr(lr).betas(b1, b2).over(named(p)), 2);

        double[] w = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            assertValues(w, got[t - 1], 1e-13, "step " + t);
        }
        // Step 1: m̂ = g and v̂ = g², so every element moves by lr * sign(g) (up to eps).
        for (int i = 0; i < 3; i++) {
            assertEquals(P0[i] - lr * Math.signum(G[0][i]), got[0][i], 1e-8);
        }
    }

    @Test
    void adamAmsgradUsesTheLargestSecondMoment() {
        double lr = 0.1;
        double b1 = 0.5;
        double b2 = 0.5;
        Tensor p = param(new double[] {0.0}, 1);
        Optimizer adam = Adam.lr(lr).betas(b1, b2).amsgrad(true).over(named(p));
        double[] grads = {2.0, 0.1};
        double w = 0;
        double m = 0;
        double v = 0;
        double vMax = 0;
        for (int t = 1; t <= 2; t++) {
            setGrad(p, new double[] {grads[t - 1]});
            adam.step();
            m = b1 * m + (1 - b1) * grads[t - 1];
            v = b2 * v + (1 - b2) * grads[t - 1] * grads[t - 1];
            vMax = Math.max(vMax, v);
            w -= lr / (1 - Math.pow(b1, t)) * m / (Math.sqrt(vMax) / Math.sqrt(1 - Math.pow(b2, t)) + 1e-8);
            assertEquals(w, p.item(), 1e-14, "step " + t);
        }
        assertTrue(vMax > v, "the test must exercise the maximum");
    }

    @Test
    void adamWDecaysDecoupledWhileAdamPassesTheL2TermThroughTheNormalisation() {
        double lr = 0.01;
        double wd = 0.5;
        double[] big = {100.0, -1.0};
        Tensor pw = param(big, 2);
        Tensor pl2 = param(big, 2);
        Optimizer adamW = AdamW.lr(lr).weightDecay(wd).over(named(pw));
        Optimizer adamL2 = Adam.lr(lr).weightDecay(wd).over(named(pl2));
        double[] w = big.clone();
        double[] m = new double[2];
        double[] v = new double[2];
        for (int t = 1; t <= 2; t++) {
            setGrad(pw, new double[] {0, 0});
            setGrad(pl2, new double[] {0, 0});
            adamW.step();
            adamL2.step();
            for (int i = 0; i < 2; i++) {
                double g = wd * w[i]; // the L2 term is the whole gradient
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                w[i] -= lr * (m[i] / (1 - Math.pow(0.9, t))) / (Math.sqrt(v[i] / (1 - Math.pow(0.999, t))) + 1e-8);
            }
        }
        // Zero loss gradient: AdamW only shrinks each weight by (1 - lr*wd) per step, in proportion to its size...
        double shrink = (1 - lr * wd) * (1 - lr * wd);
        assertValues(new double[] {big[0] * shrink, big[1] * shrink}, pw.toDoubleArray(), 1e-12, "AdamW");
        // ...while Adam normalises the L2 gradient wd*p away: every weight moves by about lr per step.
        assertValues(w, pl2.toDoubleArray(), 1e-12, "Adam + L2");
        double[] l2 = pl2.toDoubleArray();
        assertEquals(2 * lr, big[0] - l2[0], 1e-4);
        assertEquals(2 * lr, l2[1] - big[1], 1e-4);
        assertEquals(big[0] * (1 - shrink), big[0] - pw.toDoubleArray()[0], 1e-9);
        assertTrue(big[0] - pw.toDoubleArray()[0] > 40 * (big[0] - l2[0]), "decoupled decay pulls large weights harder");
    }

    @Test
    void adamWFirstTwoStepsByHand() {
        double lr = 0.02;
        double wd = 0.1;
        double b1 = 0.8;
        double b2 = 0.95;
        double eps = 1e-6;
        Tensor p = param(P0, 3);
        double[][] got = run(p, AdamW.lr(lr).betas(b1, b2).eps(eps).weightDecay(wd).over(named(p)), 2);
        double[] w = P0.clone();
        double[] m = new double[3];
        double[] v = new double[3];
        for (int t = 1; t <= 2; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t - 1][i];
                w[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                w[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
            }
            assertValues(w, got[t - 1], 1e-13, "step " + t);
        }
    }

    @Test
    void rmsPropPlainTwoSteps() {
        double lr = 0.01;
        double alpha = 0.99;
        double eps = 1e-8;
        Tensor p = param(P0, 3);
        double[][] got = run(p, RmsProp.lr(lr).over(named(p)), 2);
        double[] w = P0.clone();
        double[] s = new double[3];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t][i];
                s[i] = alpha * s[i] + (1 - alpha) * g * g;
                w[i] -= lr * g / (Math.sqrt(s[i]) + eps);
            }
            assertValues(w, got[t], 1e-13, "step " + (t + 1));
        }
    }

    @Test
    void rmsPropCenteredWithMomentumAndWeightDecay() {
        double lr = 0.01;
        double alpha = 0.9;
        double eps = 1e-6;
        double mom = 0.5;
        double wd = 0.1;
        Tensor p = param(P0, 3);
        double[][] got = run(p, RmsProp.lr(lr).alpha(alpha).eps(eps).momentum(mom).centered(true).weightDecay(wd)
                .over(named(p)), 3);
        double[] w = P0.clone();
        double[] s = new double[3];
        double[] a = new double[3];
        double[] buf = new double[3];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) {
                double g = G[t][i] + wd * w[i];
                s[i] = alpha * s[i] + (1 - alpha) * g * g;
                a[i] = alpha * a[i] + (1 - alpha) * g;
                double avg = Math.sqrt(s[i] - a[i] * a[i]) + eps;
                buf[i] = mom * buf[i] + g / avg;
                w[i] -= lr * buf[i];
            }
            assertValues(w, got[t], 1e-13, "step " + (t + 1));
        }
    }

    @Test
    void parametersWithoutGradientAreUntouchedAndGetNoState() {
        Tensor a = param(P0, 3);
        Tensor b = param(new double[] {7, 8}, 2);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        for (AbstractOptimizer opt : new AbstractOptimizer[] {
                Sgd.momentum(0.9).lr(0.1).weightDecay(0.1).over(params),
                Adam.lr(0.1).over(params),
                AdamW.lr(0.1).weightDecay(0.5).over(params),
                RmsProp.lr(0.1).momentum(0.5).centered(true).over(params)}) {
            b.zeroGrad();
            setGrad(a, G[0]);
            opt.step();
            opt.step();
            assertNull(b.grad());
            assertArrayEquals(new double[] {7, 8}, b.toDoubleArray(), opt.type() + " moved a parameter without gradient");
            assertNotEquals(P0[0], a.toDoubleArray()[0], opt.type() + " did not move the parameter with a gradient");
            assertTrue(opt.state().tensors().keySet().stream().noneMatch(k -> k.startsWith("b.")),
                    opt.type() + " created state for a parameter without gradient: " + opt.state().tensors().keySet());
            assertEquals(2, opt.steps());
        }
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Tensor a = param(P0, 3);
        Tensor b = param(new double[] {7, 8}, 2);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", a);
        params.put("b", b);
        Optimizer opt = Sgd.lr(0.1).over(params);
        setGrad(a, G[0]);
        setGrad(b, new double[] {1, 1});
        opt.zeroGrad();
        assertNull(a.grad());
        assertNull(b.grad());
        assertEquals(java.util.List.of(a, b), opt.parameters());
    }

    @Test
    void updatesHappenInPlaceSoViewsSeeThem() {
        Tensor p = param(P0, 3);
        Tensor view = p.detach();
        Optimizer opt = Sgd.lr(1.0).over(named(p));
        setGrad(p, new double[] {1, 1, 1});
        opt.step();
        assertValues(new double[] {0.0, -3.0, -0.5}, view, 0);
    }

    @Test
    void learningRateChangesTakeEffectOnTheNextStep() {
        Tensor p = param(new double[] {1.0}, 1);
        Optimizer opt = Sgd.lr(0.1).over(named(p));
        opt.setLearningRate(0.5);
        setGrad(p, new double[] {1.0});
        opt.step();
        assertEquals(0.5, p.item(), 0);
        assertEquals(0.5, opt.learningRate());
    }

    @Test
    void float32ParametersStayFloat32AndFollowTheFormula() {
        Tensor p = param(new float[] {1.0f, -2.0f}, 2);
        Optimizer opt = Sgd.momentum(0.9).lr(0.1).over(named(p));
        setGrad(p, new double[] {0.5, 0.25});
        opt.step();
        setGrad(p, new double[] {0.5, 0.25});
        opt.step();
        assertEquals(dev.fovea.api.DType.FLOAT32, p.dtype());
        // buf2 = 0.9*g + g = 1.9g; p = p0 - 0.1g - 0.19g = p0 - 0.29g
        assertValues(new double[] {1.0 - 0.29 * 0.5, -2.0 - 0.29 * 0.25}, p, 1e-6);
    }
}

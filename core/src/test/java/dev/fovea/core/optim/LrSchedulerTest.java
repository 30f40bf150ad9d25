package dev.fovea.core.optim;

import static dev.fovea.core.optim.OptimTesting.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules against PyTorch's closed forms. */
class LrSchedulerTest {
    private static final double TOL = 1e-15;

    private static AbstractOptimizer sgd(double lr) {
        return Sgd.lr(lr).over(List.of(param(new double[] {0}, 1)));
    }

    @Test
    void stepLrDividesByTenEveryTwoSteps() {
        AbstractOptimizer opt = sgd(0.1);
        StepLr schedule = StepLr.of(opt, 2, 0.1);
        double[] expected = {0.1, 0.1, 0.01, 0.01, 0.001, 0.001, 1e-4};
        assertEquals(expected[0], opt.learningRate(), TOL);
        for (int t = 1; t < expected.length; t++) {
            schedule.step();
            assertEquals(expected[t], opt.learningRate(), 1e-17, "step " + t);
            assertEquals(t, schedule.steps());
        }
    }

    @Test
    void cosineStartsAtBaseIsHalfWayAtHalfTMaxAndReachesEtaMin() {
        AbstractOptimizer opt = sgd(0.1);
        CosineAnnealingLr schedule = CosineAnnealingLr.of(opt, 10, 0.001);
        assertEquals(0.1, schedule.lastLr(), TOL);
        assertEquals(0.1, opt.learningRate(), TOL);
        for (int t = 1; t <= 5; t++) {
            schedule.step();
        }
        assertEquals((0.1 + 0.001) / 2, opt.learningRate(), TOL, "t = tMax/2: the midpoint");
        for (int t = 6; t <= 10; t++) {
            schedule.step();
        }
        assertEquals(0.001, opt.learningRate(), TOL, "t = tMax: etaMin");
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 3 / 10)) / 2, schedule.lrAt(3), TOL);
    }

    @Test
    void warmupRampsLinearlyThenHandsOverToTheNextSchedule() {
        AbstractOptimizer opt = sgd(0.2);
        LinearWarmup schedule = LinearWarmup.of(opt, 4, 0.25, StepLr.of(opt, 3, 0.5));
        double[] expected = {0.05, 0.0875, 0.125, 0.1625, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05};
        assertEquals(expected[0], opt.learningRate(), TOL, "step 0 starts at startFactor * base");
        for (int t = 1; t < expected.length; t++) {
            schedule.step();
            assertEquals(expected[t], opt.learningRate(), 1e-16, "step " + t);
        }
    }

    @Test
    void warmupWithoutNextScheduleStaysAtBase() {
        AbstractOptimizer opt = sgd(1.0);
        LinearWarmup schedule = LinearWarmup.of(opt, 2, 0.5);
        assertEquals(0.5, opt.learningRate());
        schedule.step();
        assertEquals(0.75, opt.learningRate());
        for (int t = 0; t < 5; t++) {
            schedule.step();
            assertEquals(1.0, opt.learningRate());
        }
    }

    @Test
    void stateRestoresThePositionAndTheBaseRate() {
        AbstractOptimizer a = sgd(0.1);
        LinearWarmup first = LinearWarmup.of(a, 3, 0.1, CosineAnnealingLr.of(a, 8, 0.0));
        for (int t = 0; t < 6; t++) {
            first.step();
        }
        LrSchedulerState saved = first.state();
        assertEquals(6, saved.steps());
        assertEquals(3, saved.then().steps());

        // A fresh optimizer whose learning rate already came from elsewhere (say, a restored optimizer state).
        AbstractOptimizer b = sgd(0.1);
        b.setLearningRate(0.0123);
        LinearWarmup second = LinearWarmup.of(b, 3, 0.1, CosineAnnealingLr.of(b, 8, 0.0));
        second.load(saved);
        assertEquals(a.learningRate(), b.learningRate(), 0);
        for (int t = 0; t < 4; t++) {
            first.step();
            second.step();
            assertEquals(first.lastLr(), second.lastLr(), 0);
            assertEquals(a.learningRate(), b.learningRate(), 0);
        }
    }

    @Test
    void loadRefusesAnotherSchedule() {
        AbstractOptimizer opt = sgd(0.1);
        StepLr step = StepLr.of(opt, 2, 0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> step.load(new LrSchedulerState("CosineAnnealingLr", 3, 0.1)));
        assertTrue(e.getMessage().contains("CosineAnnealingLr"), e.getMessage());
        LinearWarmup alone = LinearWarmup.of(opt, 2, 0.5);
        e = assertThrows(IllegalArgumentException.class, () -> alone.load(new LrSchedulerState("LinearWarmup", 3, 0.1,
                new LrSchedulerState("StepLr", 1, 0.1))));
        assertTrue(e.getMessage().contains("after the warm-up"), e.getMessage());
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        AbstractOptimizer opt = sgd(0.1);
        assertMessage(() -> StepLr.of(opt, 0, 0.1), "stepSize");
        assertMessage(() -> StepLr.of(opt, 2, -1), "gamma");
        assertMessage(() -> CosineAnnealingLr.of(opt, 0, 0), "tMax");
        assertMessage(() -> CosineAnnealingLr.of(opt, 5, -1), "etaMin");
        assertMessage(() -> LinearWarmup.of(opt, 0, 0.5), "warmupSteps");
        assertMessage(() -> LinearWarmup.of(opt, 3, 0), "startFactor");
        assertMessage(() -> LinearWarmup.of(opt, 3, 0.5, StepLr.of(sgd(0.1), 1, 0.5)), "another optimizer");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}

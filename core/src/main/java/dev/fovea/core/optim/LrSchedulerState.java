package dev.fovea.core.optim;

import java.util.Objects;

/**
 * The position of an {@link LrScheduler}: enough, with the scheduler's own settings, to continue the
 * schedule exactly.
 *
 * @param type   the scheduler's name ({@code "StepLr"}, {@code "CosineAnnealingLr"}, {@code "LinearWarmup"})
 * @param steps  how many times it has been stepped
 * @param baseLr the learning rate the schedule scales
 * @param then   the state of the schedule a {@link LinearWarmup} hands over to, or {@code null}
 */
public record LrSchedulerState(String type, long steps, double baseLr, LrSchedulerState then) {
    public LrSchedulerState {
        Objects.requireNonNull(type, "type");
        if (steps < 0) {
            throw new IllegalArgumentException("LrSchedulerState: steps must be >= 0, got " + steps);
        }
        Checks.learningRate("LrSchedulerState(" + type + ") base", baseLr);
    }

    /** A state without a nested schedule. */
    public LrSchedulerState(String type, long steps, double baseLr) {
        this(type, steps, baseLr, null);
    }
}

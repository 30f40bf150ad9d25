package dev.fovea.core.optim;

/** Validation of hyper-parameters, with messages that name the optimizer, the setting and the value. */
final class Checks {
    private Checks() {}

    static double learningRate(String who, double lr) {
        if (!(Double.isFinite(lr) && lr >= 0)) {
            throw new IllegalArgumentException(who + ": learning rate must be a finite number >= 0, got " + lr);
        }
        return lr;
    }

    static double nonNegative(String who, String name, double value) {
        if (!(Double.isFinite(value) && value >= 0)) {
            throw new IllegalArgumentException(who + ": " + name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    static double positive(String who, String name, double value) {
        if (!(Double.isFinite(value) && value > 0)) {
            throw new IllegalArgumentException(who + ": " + name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** {@code value >= 1}: step counts of the learning-rate schedules. */
    static long atLeastOne(String who, String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(who + ": " + name + " must be >= 1, got " + value);
        }
        return value;
    }

    /** {@code 0 <= value < 1}: betas, momentum, the RMSprop smoothing constant. */
    static double unitInterval(String who, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(who + ": " + name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    /** {@code 0 <= value <= 1}: dampening. */
    static double closedUnitInterval(String who, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(who + ": " + name + " must be in [0, 1], got " + value);
        }
        return value;
    }
}

package dev.fovea.api.backend;

/**
 * A distribution for {@link Backend#fillRandom}: uniform on {@code [a, b)} or normal with mean
 * {@code a} and standard deviation {@code b}.
 */
public record RandomSpec(Kind kind, double a, double b) {

    /** The distribution family. */
    public enum Kind {
        UNIFORM,
        NORMAL
    }

    public RandomSpec {
        if (kind == Kind.UNIFORM && !(a < b)) {
            throw new IllegalArgumentException("uniform distribution needs low < high, got [" + a + ", " + b + ")");
        }
        if (kind == Kind.NORMAL && !(b >= 0)) {
            throw new IllegalArgumentException("normal distribution needs std >= 0, got " + b);
        }
    }

    public static RandomSpec uniform(double low, double high) {
        return new RandomSpec(Kind.UNIFORM, low, high);
    }

    public static RandomSpec normal(double mean, double std) {
        return new RandomSpec(Kind.NORMAL, mean, std);
    }
}

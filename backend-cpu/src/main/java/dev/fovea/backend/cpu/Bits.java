package dev.fovea.backend.cpu;

/** Branch-free selection: {@code g} where {@code mask} is all ones, +0 where it is zero. */
final class Bits {
    private Bits() {}

    static double masked(double g, long mask) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(g) & mask);
    }

    static float masked(float g, long mask) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & (int) mask);
    }
}

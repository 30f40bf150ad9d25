package dev.fovea.examples.filters;

import java.util.Locale;

/** Short number formatting for the experiments' printouts and chart titles. */
final class NumberText {
    private NumberText() {}

    /** Up to 4 decimals, trailing zeros dropped: {@code -1}, {@code 0.5}, {@code 0.1234}. */
    static String short4(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text.equals("-0") ? "0" : text;
    }
}

package dev.fovea.examples.cli;

import java.util.Locale;

/** Parses the comma-separated number lists options such as {@code --signal} and {@code --filter} take. */
public final class NumberLists {
    private NumberLists() {}

    /**
     * Parses {@code "0.84, 0.73,-1"} into numbers.
     *
     * @param option the option's name, for the message
     * @throws IllegalArgumentException naming the option and the offending entry when the list is
     *     empty, or an entry is empty, not a number, or not finite
     */
    public static double[] parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + " needs at least one number, e.g. " + option + " 1,0,-1");
        }
        String[] parts = text.split(",", -1);
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            String where = option + " value " + (i + 1) + " of " + parts.length;
            if (part.isEmpty()) {
                throw new IllegalArgumentException(where + " is empty in '" + text
                        + "'; separate numbers with single commas, e.g. " + option + " 1,0,-1");
            }
            double value;
            try {
                value = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ", '" + part + "', is not a number");
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(where + ", '" + part + "', is not a finite number");
            }
            values[i] = value;
        }
        return values;
    }

    /** {@code "0.8416, 0.7342"}: up to 4 decimals, trailing zeros dropped. */
    public static String format(double[] values) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(format(values[i]));
        }
        return out.toString();
    }

    /** {@code 0.8416}, {@code -1}, {@code 0.5}. */
    public static String format(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text.equals("-0") ? "0" : text;
    }
}

package dev.fovea.examples.cli;

import static dev.fovea.examples.cli.NumberLists.format;

import com.google.gson.JsonObject;
import dev.fovea.examples.peaks.PeakAnalysis;
import dev.fovea.examples.peaks.PeakFinder;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The JSON and text forms of a {@link PeakAnalysis}, shared by {@code fovea peaks} and the tour. */
final class PeaksOutput {
    private PeaksOutput() {}

    /**
     * Keys: {@code signal, filter, flippedFilter, symmetric, output} (MATLAB {@code conv(u, v, 'valid')}),
     * {@code crossCorrelation}, {@code centres}, {@code peaks}, {@code localMaxima},
     * {@code peaksMatchLocalMaxima}, {@code maxPool {index, outputIndex, value}}, {@code device}.
     * Positions are 1-based.
     */
    static JsonObject toJson(PeakAnalysis a) {
        JsonObject json = new JsonObject();
        json.addProperty("device", a.device());
        json.add("signal", Json.array(a.signal()));
        json.add("filter", Json.array(a.filter()));
        json.add("flippedFilter", Json.array(PeakFinder.flip(a.filter())));
        json.addProperty("symmetric", a.symmetric());
        json.add("output", Json.array(a.convolution()));
        json.add("crossCorrelation", Json.array(a.crossCorrelation()));
        json.add("centres", Json.array(a.centres()));
        json.add("peaks", Json.array(a.peaks()));
        json.add("localMaxima", Json.array(a.localMaxima()));
        json.addProperty("peaksMatchLocalMaxima", a.peaksMatchLocalMaxima());
        JsonObject pool = new JsonObject();
        pool.addProperty("index", a.maxPool().index());
        pool.addProperty("outputIndex", a.maxPool().outputIndex());
        pool.addProperty("value", a.maxPool().value());
        json.add("maxPool", pool);
        return json;
    }

    /** The table of u and y by position, the peaks found, the max pool, and what to make of them. */
    static void print(PrintWriter out, PeakAnalysis a) {
        int k = a.kernelSize();
        boolean symmetric = a.symmetric();
        out.printf(Locale.ROOT, "  signal u = %s  (%d values)%n", format(a.signal()), a.signal().length);
        out.printf(Locale.ROOT, "  filter v = %s  (%d values%s)%n", format(a.filter()), k,
                symmetric ? "; symmetric, so convolution and cross-correlation agree" : "; not symmetric");
        out.printf(Locale.ROOT, "  y = conv(u, v, 'valid'), computed on %s: %d values%n", a.device(),
                a.convolution().length);
        out.printf(Locale.ROOT, "  y(j) covers u(j)..u(j+%d) and is shown at its centre, position j+%d%s%n", k - 1,
                (k - 1) / 2, k % 2 == 0 ? " (an even filter has no middle: rounded down)" : "");
        out.println();
        if (symmetric) {
            out.printf(Locale.ROOT, "  %4s %9s %11s   %s%n", "pos", "u", "y", "");
        } else {
            out.printf(Locale.ROOT, "  %4s %9s %11s %11s   %s%n", "pos", "u", "y=conv", "xcorr", "");
        }
        int n = a.signal().length;
        for (int i = 1; i <= n; i++) {
            int j = indexOf(a.centres(), i);
            String y = j < 0 ? "" : fixed(a.convolution()[j]);
            String marks = marks(a, i, j);
            if (symmetric) {
                out.printf(Locale.ROOT, "  %4d %9s %11s   %s%n", i, fixed(a.signal()[i - 1]), y, marks);
            } else {
                String x = j < 0 ? "" : fixed(a.crossCorrelation()[j]);
                out.printf(Locale.ROOT, "  %4d %9s %11s %11s   %s%n", i, fixed(a.signal()[i - 1]), y, x, marks);
            }
        }
        out.println();
        out.println("  The filter responds (y > 0) at positions: " + list(a.peaks()));
        out.println("  The true local maxima of u are at:        " + list(a.localMaxima())
                + (a.peaksMatchLocalMaxima() ? "  -> the filter found exactly the peaks." : "  -> not the same."));
        out.printf(Locale.ROOT, "  Max pool over all of y: %s, output %d, centred on position %d: the most likely "
                + "location of the feature.%n", format(a.maxPool().value()), a.maxPool().outputIndex(),
                a.maxPool().index());
        if (Arrays.equals(a.signal(), PeakFinder.SEED_SIGNAL) && Arrays.equals(a.filter(), PeakFinder.SEED_FILTER)) {
            out.println();
            out.println("  Note: the seed answer printed y = " + format(PeakFinder.SEED_PRINTED_OUTPUT) + ".");
            out.printf(Locale.ROOT, "  Those numbers do not follow from u and v: y(1) = -%s + %s - %s = %s. "
                    + "Fovea recomputes y;%n  the answer's conclusion still holds (peaks at 5, 7, 9; max pool "
                    + "at 5).%n", fixed(a.signal()[0]), fixed(a.signal()[1]), fixed(a.signal()[2]),
                    fixed(a.convolution()[0]));
        }
        if (!symmetric) {
            out.println();
            explainFlip(out, a);
        }
        out.flush();
    }

    /** Why convolution and cross-correlation differ for an asymmetric filter. */
    static void explainFlip(PrintWriter out, PeakAnalysis a) {
        String v = format(a.filter());
        String flipped = format(PeakFinder.flip(a.filter()));
        out.println("  Convolution vs cross-correlation: MATLAB's conv(u, v) flips the filter before sliding it,");
        out.println("  y(j) = sum_m u(j+m) * v(k-1-m). CNN layers, Fovea's conv1d and conv2d included, slide it as");
        out.println("  it is, xcorr(j) = sum_m u(j+m) * v(m): strictly that is cross-correlation. So");
        out.printf(Locale.ROOT, "  conv(u, [%s]) = xcorr(u, [%s]). Here the filter is not symmetric, so the two "
                + "columns differ.%n", v, flipped);
        out.println("  For a learned filter the difference does not matter: training simply learns the flipped");
        out.println("  numbers. The peaks and the max pool above use y, the convolution.");
    }

    /** Four decimals, so that the table's columns line up. */
    private static String fixed(double value) {
        String text = String.format(Locale.ROOT, "%.4f", value);
        return text.equals("-0.0000") ? "0.0000" : text;
    }

    private static String marks(PeakAnalysis a, int position, int outputIndex) {
        StringBuilder marks = new StringBuilder();
        if (outputIndex >= 0 && a.convolution()[outputIndex] > 0) {
            marks.append("filter responds");
        }
        if (indexOf(a.localMaxima(), position) >= 0) {
            marks.append(marks.length() > 0 ? ", " : "").append("local max");
        }
        if (position == a.maxPool().index()) {
            marks.append(marks.length() > 0 ? ", " : "").append("<- MAX POOL");
        }
        return marks.toString();
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String list(int[] positions) {
        return positions.length == 0
                ? "none"
                : Arrays.stream(positions).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }
}

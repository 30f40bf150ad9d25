package dev.fovea.examples.cli;

import static dev.fovea.examples.cli.NumberLists.format;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.examples.filters.FilterRegression;
import dev.fovea.examples.filters.FilterStep;
import dev.fovea.examples.filters.PeakClassification;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** The text and JSON forms of the two filter-learning experiments, shared by {@code learn-filter} and the tour. */
final class LearnFilterOutput {
    private LearnFilterOutput() {}

    // ---- regression: learn a known filter back --------------------------------------------------

    /** What is about to happen, before the epoch lines. */
    static void printRegressionHeader(PrintWriter out, FilterRegression e, String device) {
        out.printf(Locale.ROOT, "  Data: %d random signals of %d samples (uniform on [0, 1), seed %d); the targets are the%n",
                e.signals(), e.length(), e.seed());
        out.printf(Locale.ROOT, "        signals filtered by [%s] (cross-correlation, 'valid', as a CNN layer slides it).%n",
                format(e.target()));
        out.printf(Locale.ROOT, "  Model: Conv1d(1 -> 1, kernel %d, no bias); its %d weights start random, drawn from a normal%n",
                e.target().length, e.target().length);
        out.printf(Locale.ROOT, "         distribution centred at 0 (mean 0, std %s).%n", format(e.initStd()));
        out.printf(Locale.ROOT, "  Training: backpropagation of the mean squared error, SGD with learning rate %s, batches of%n",
                format(e.learningRate()));
        out.printf(Locale.ROOT, "            %d signals, %d epochs, on %s.%n", e.batchSize(), e.epochs(), device);
        out.println();
        out.printf(Locale.ROOT, "  %5s  %12s   %s%n", "epoch", "loss (MSE)", "filter");
        out.flush();
    }

    /** One epoch line: epoch, loss, the taps. */
    static void printRegressionStep(PrintWriter out, FilterStep step) {
        out.printf(Locale.ROOT, "  %5d  %12.4e   %s%s%n", step.epoch(), step.loss(), taps(step.filter()),
                step.epoch() == 0 ? "   <- random start" : "");
        out.flush();
    }

    /** The verdict, after the epoch lines. */
    static void printRegressionSummary(PrintWriter out, FilterRegression.Result r, Path png) {
        out.println();
        out.printf(Locale.ROOT, "  Started at  %s (random)%n", taps(r.initial()));
        out.printf(Locale.ROOT, "  Learned     %s%n", taps(r.learned()));
        out.printf(Locale.ROOT, "  Target      %s%n", taps(r.target()));
        out.printf(Locale.ROOT, "  Largest |learned - target| = %.2e after %d epochs (%.2f s): %s%n", r.maxAbsError(),
                r.steps().size() - 1, r.seconds(), r.maxAbsError() < 1e-3
                        ? "backpropagation recovered the filter from examples alone."
                        : "not there yet; try more --epochs or another --lr.");
        if (png != null) {
            out.println("  Trajectory: " + png);
        }
        out.flush();
    }

    /** Keys: target, initial, learned, maxAbsError, epochs [{epoch, loss, filter}], settings, png. */
    static JsonObject regressionJson(FilterRegression e, FilterRegression.Result r, Path png) {
        JsonObject json = new JsonObject();
        json.add("target", Json.array(r.target()));
        json.add("initial", Json.array(r.initial()));
        json.add("learned", Json.array(r.learned()));
        json.addProperty("maxAbsError", r.maxAbsError());
        json.addProperty("finalLoss", r.finalLoss());
        JsonArray epochs = new JsonArray();
        for (FilterStep step : r.steps()) {
            JsonObject o = new JsonObject();
            o.addProperty("epoch", step.epoch());
            o.addProperty("loss", step.loss());
            o.add("filter", Json.array(step.filter()));
            epochs.add(o);
        }
        json.add("epochs", epochs);
        json.addProperty("learningRate", e.learningRate());
        json.addProperty("initStd", e.initStd());
        json.addProperty("signals", e.signals());
        json.addProperty("signalLength", e.length());
        json.addProperty("batchSize", e.batchSize());
        json.addProperty("seed", e.seed());
        json.addProperty("seconds", r.seconds());
        json.addProperty("png", png == null ? null : png.toString());
        return json;
    }

    // ---- classification: learn a peak detector from labels ----------------------------------------

    static void printClassificationHeader(PrintWriter out, PeakClassification e, String device) {
        out.println("  Now the task is to classify, not to reproduce outputs: each 3-sample window of a random");
        out.println("  signal gets the label 1 when its middle value is greater than both neighbours (a peak),");
        out.println("  else 0. No target filter is given, only these labels.");
        out.printf(Locale.ROOT, "  Data: %d training and %d held-out signals of %d samples (uniform on [0, 1)), every window.%n",
                e.signals(), e.signals(), e.length());
        out.printf(Locale.ROOT, "  Model: Conv1d(1 -> 1, kernel 3, with bias), then a sigmoid; weights from Normal(0, %s), bias 0.%n",
                format(e.initStd()));
        out.printf(Locale.ROOT, "  Training: binary cross-entropy with logits, SGD learning rate %s, momentum %s, batches of%n",
                format(e.learningRate()), format(e.momentum()));
        out.printf(Locale.ROOT, "            %d signals, %d epochs, on %s.%n", e.batchSize(), e.epochs(), device);
        out.println();
        out.printf(Locale.ROOT, "  %5s  %8s   %-30s %8s  %s%n", "epoch", "loss", "filter", "bias", "test accuracy");
        out.flush();
    }

    static void printClassificationStep(PrintWriter out, FilterStep step, double accuracy) {
        out.printf(Locale.ROOT, "  %5d  %8.4f   %-30s %8.4f  %.1f%%%s%n", step.epoch(), step.loss(), taps(step.filter()),
                step.bias(), 100 * accuracy, step.epoch() == 0 ? "   <- random start" : "");
        out.flush();
    }

    static void printClassificationSummary(PrintWriter out, PeakClassification.Result r, Path png) {
        double[] w = r.learned();
        double[] n = r.normalized();
        out.println();
        out.printf(Locale.ROOT, "  Learned filter %s, bias %.4f%n", taps(w), r.bias());
        out.printf(Locale.ROOT, "  Divided by its largest |tap|: %s, bias %.3f   (the seed's designed filter: [-1, 1, -1])%n",
                taps(n), r.normalizedBias());
        out.printf(Locale.ROOT, "  Sign pattern %s%n", signWords(r.signPattern()));
        out.printf(Locale.ROOT, "  Accuracy on %,d held-out windows: %.1f%%. For comparison: always answering 'no peak'%n",
                r.testWindows(), 100 * r.accuracy());
        out.printf(Locale.ROOT, "  scores %.1f%%, the seed's designed [-1, 1, -1] with threshold 0 scores %.1f%%.%n",
                100 * (1 - r.peakFraction()), 100 * r.designedAccuracy());
        if (r.actsAsPeakDetector()) {
            double ratio = 2 * Math.abs(w[1]) / (Math.abs(w[0]) + Math.abs(w[2]));
            out.println("  Verdict: yes, it acts as a peak detector - an approximate one. 'Greater than both neighbours'");
            out.println("  is two comparisons; one linear filter and a threshold can make only one, so no filter of 3");
            out.printf(Locale.ROOT, "  taps gets every window right, and %.1f%% of the held-out windows stay misclassified.%n",
                    100 * (1 - r.accuracy()));
            out.printf(Locale.ROOT, "  The middle tap weighs %.1f times the average neighbour: a shape closer to %s.%n", ratio,
                    ratio > 1.5 ? "[-1, 2, -1] than to [-1, 1, -1]" : "[-1, 1, -1] than to [-1, 2, -1]");
            out.println("  The labels, not a designer, decided the numbers.");
        } else {
            out.println("  Verdict: it does not act as a peak detector yet (wrong sign pattern or accuracy no better than");
            out.println("  always answering 'no peak'); try more epochs or another seed.");
        }
        if (png != null) {
            out.println("  Trajectory: " + png);
        }
        out.flush();
    }

    /** Keys: learned, normalized, bias, accuracy, signPattern, actsAsPeakDetector, and the details. */
    static JsonObject classificationJson(PeakClassification e, PeakClassification.Result r, Path png) {
        JsonObject json = new JsonObject();
        json.add("learned", Json.array(r.learned()));
        json.add("normalized", Json.array(r.normalized()));
        json.addProperty("bias", r.bias());
        json.addProperty("normalizedBias", r.normalizedBias());
        json.addProperty("accuracy", r.accuracy());
        json.addProperty("signPattern", r.signPattern());
        json.addProperty("actsAsPeakDetector", r.actsAsPeakDetector());
        json.addProperty("designedFilterAccuracy", r.designedAccuracy());
        json.addProperty("peakFraction", r.peakFraction());
        json.addProperty("testWindows", r.testWindows());
        JsonArray epochs = new JsonArray();
        double[] accuracies = r.accuracies();
        for (int i = 0; i < r.steps().size(); i++) {
            FilterStep step = r.steps().get(i);
            JsonObject o = new JsonObject();
            o.addProperty("epoch", step.epoch());
            o.addProperty("loss", step.loss());
            o.add("filter", Json.array(step.filter()));
            o.addProperty("bias", step.bias());
            o.addProperty("testAccuracy", accuracies[i]);
            epochs.add(o);
        }
        json.add("epochs", epochs);
        json.addProperty("learningRate", e.learningRate());
        json.addProperty("momentum", e.momentum());
        json.addProperty("initStd", e.initStd());
        json.addProperty("seed", e.seed());
        json.addProperty("seconds", r.seconds());
        json.addProperty("png", png == null ? null : png.toString());
        return json;
    }

    /** {@code [-1.0000,  1.0000, -1.0000]}: fixed width so that epoch lines line up. */
    static String taps(double[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            String v = String.format(Locale.ROOT, "%.4f", values[i]);
            if (v.equals("-0.0000")) {
                v = "0.0000";
            }
            out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%7s", v));
        }
        return out.append(']').toString();
    }

    private static String signWords(String pattern) {
        String commas = String.join(",", pattern.split(""));
        if (pattern.equals("-+-")) {
            return commas + ": it suppresses both neighbours and amplifies the middle, like the designed [-1, 1, -1].";
        }
        return commas + ": not the -,+,- of the designed [-1, 1, -1].";
    }
}

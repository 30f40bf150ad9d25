package dev.fovea.examples.filters;

import dev.fovea.core.plot.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The trajectories of the filter-learning experiments as PNG line charts (core's plot package). */
public final class FilterPlots {
    private FilterPlots() {}

    /** Each tap against the epoch, with a dashed line at its target value. */
    public static void regression(FilterRegression.Result result, Path png) throws IOException {
        double[] target = result.target();
        Charts.LineChart chart = Charts.lineChart("Backpropagation moves random weights to " + list(target),
                "epoch (0 = random start)", "filter weight").x(epochs(result.steps()));
        for (int t = 0; t < target.length; t++) {
            chart.series("w[" + t + "]", tap(result.steps(), t), target[t]);
        }
        chart.write(png);
    }

    /** Each tap and the bias against the epoch: the peak classifier as it learns from labels. */
    public static void classification(PeakClassification.Result result, Path png) throws IOException {
        Charts.LineChart chart = Charts.lineChart(String.format(Locale.ROOT,
                        "Learning a peak detector from labels: test accuracy %.1f%%", 100 * result.accuracy()),
                "epoch (0 = random start)", "weight").x(epochs(result.steps()));
        for (int t = 0; t < 3; t++) {
            chart.series("w[" + t + "]", tap(result.steps(), t));
        }
        double[] bias = new double[result.steps().size()];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = result.steps().get(i).bias();
        }
        chart.series("bias", bias);
        chart.write(png);
    }

    private static double[] epochs(List<FilterStep> steps) {
        double[] x = new double[steps.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = steps.get(i).epoch();
        }
        return x;
    }

    private static double[] tap(List<FilterStep> steps, int t) {
        double[] y = new double[steps.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = steps.get(i).filter()[t];
        }
        return y;
    }

    private static String list(double[] values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ", ").append(NumberText.short4(values[i]));
        }
        return out.append(']').toString();
    }
}

package dev.fovea.examples.cli;

import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.examples.filters.FilterPlots;
import dev.fovea.examples.filters.FilterRegression;
import dev.fovea.examples.filters.PeakClassification;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea learn-filter}: the seed question's experiment. A filter that starts as random numbers
 * is trained by backpropagation until it equals the filter that produced the targets; then a peak
 * detector is learned from labels alone.
 */
@Command(name = "learn-filter", mixinStandardHelpOptions = true,
        description = {
            "Learn a convolution filter from random numbers by backpropagation: the targets are random signals "
                    + "filtered by --target, and a Conv1d whose weights start random recovers it. Then learn a "
                    + "3-tap peak detector from labels (is the middle of the window greater than both neighbours?) "
                    + "and see what it looks like.",
            "Writes learn-filter.png and learn-filter-classify.png (the weights epoch by epoch) under --out."
        })
public final class LearnFilterCommand implements Callable<Integer> {
    /** File name of the regression trajectory under the output directory. */
    static final String REGRESSION_PNG = "learn-filter.png";
    /** File name of the classification trajectory under the output directory. */
    static final String CLASSIFY_PNG = "learn-filter-classify.png";

    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--target", paramLabel = "V1,V2,...", defaultValue = "-1,1,-1",
            description = "The filter that makes the targets and is to be recovered (default: ${DEFAULT-VALUE}).")
    private String target;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + FilterRegression.DEFAULT_EPOCHS,
            description = "Passes over the random signals (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "" + FilterRegression.DEFAULT_LEARNING_RATE,
            description = "SGD learning rate (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "" + FilterRegression.DEFAULT_SEED,
            description = "Seeds the signals, the initial weights and the batch order (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--classify", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also learn a peak detector from labels (default: on; --no-classify skips it).")
    private boolean classify;

    @Option(names = "--classify-epochs", paramLabel = "N", defaultValue = "" + PeakClassification.DEFAULT_EPOCHS,
            description = "Epochs of the peak classifier (default: ${DEFAULT-VALUE}).")
    private int classifyEpochs;

    @Option(names = "--classify-lr", paramLabel = "RATE", defaultValue = "" + PeakClassification.DEFAULT_LEARNING_RATE,
            description = "SGD learning rate of the peak classifier, momentum 0.9 (default: ${DEFAULT-VALUE}).")
    private double classifyLearningRate;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fovea-out",
            description = "Where the PNGs go (default: ${DEFAULT-VALUE}); created when they are written.")
    private Path out;

    @Override
    public Integer call() {
        FilterRegression regression;
        PeakClassification classification;
        try {
            double[] targetFilter = NumberLists.parse("--target", target);
            checkEpochs("--epochs", epochs);
            checkRate("--lr", learningRate);
            checkEpochs("--classify-epochs", classifyEpochs);
            checkRate("--classify-lr", classifyLearningRate);
            regression = FilterRegression.of(targetFilter, epochs, learningRate, seed);
            classification = classify ? PeakClassification.of(classifyEpochs, classifyLearningRate, seed) : null;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        PrintWriter w = spec.commandLine().getOut();
        boolean json = common.json();
        if (!json) {
            w.println("Learning a filter from random numbers: the weights start random and backpropagation moves them.");
            w.println();
        }
        JsonObject result = run(json ? null : w, device, regression, classification, out, false);
        if (json) {
            JsonObject object = Json.forCommand("learn-filter");
            result.entrySet().forEach(e -> object.add(e.getKey(), e.getValue()));
            Json.print(w, object);
        }
        return 0;
    }

    /**
     * Runs the experiments, printing to {@code text} (unless {@code null}) as they go, and writes their
     * PNGs under {@code outDir}. Returns the JSON members: the regression's keys at the top level,
     * {@code classify} (absent when {@code classification} is null), {@code pngs} ({@code learnFilter},
     * {@code classify}: paths), {@code device}.
     *
     * @param compact print only some epochs of the classifier (the tour)
     */
    static JsonObject run(PrintWriter text, Device device, FilterRegression regression,
            PeakClassification classification, Path outDir, boolean compact) {
        JsonObject json = new JsonObject();
        json.addProperty("device", device.name());
        JsonObject pngs = new JsonObject();
        if (text != null) {
            LearnFilterOutput.printRegressionHeader(text, regression, device.name());
        }
        FilterRegression.Result r = regression.run(device, step -> {
            if (text != null && (!compact || shown(step.epoch(), regression.epochs()))) {
                LearnFilterOutput.printRegressionStep(text, step);
            }
        });
        Path png = outDir.resolve(REGRESSION_PNG);
        write(() -> FilterPlots.regression(r, png), png);
        pngs.addProperty("learnFilter", png.toString());
        if (text != null) {
            LearnFilterOutput.printRegressionSummary(text, r, png);
        }
        LearnFilterOutput.regressionJson(regression, r, png).entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        if (classification != null) {
            if (text != null) {
                text.println();
                LearnFilterOutput.printClassificationHeader(text, classification, device.name());
            }
            PeakClassification.Result c = classification.run(device, (step, accuracy) -> {
                if (text != null && (!compact || shown(step.epoch(), classification.epochs()))) {
                    LearnFilterOutput.printClassificationStep(text, step, accuracy);
                }
            });
            Path classifyPng = outDir.resolve(CLASSIFY_PNG);
            write(() -> FilterPlots.classification(c, classifyPng), classifyPng);
            pngs.addProperty("classify", classifyPng.toString());
            if (text != null) {
                LearnFilterOutput.printClassificationSummary(text, c, classifyPng);
            }
            json.add("classify", LearnFilterOutput.classificationJson(classification, c, classifyPng));
        }
        json.add("pngs", pngs);
        return json;
    }

    /** In compact mode: the first epochs, every fifth, and the last. */
    private static boolean shown(int epoch, int last) {
        return epoch <= 3 || epoch % 5 == 0 || epoch == last;
    }

    static void checkEpochs(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    static void checkRate(String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be a positive number, got " + value);
        }
    }

    interface PngWriter {
        void write() throws IOException;
    }

    static void write(PngWriter writer, Path png) {
        try {
            writer.write();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}

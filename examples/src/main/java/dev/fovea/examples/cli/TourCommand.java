package dev.fovea.examples.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.examples.cnn.CnnTraining;
import dev.fovea.examples.cnn.DatasetChoice;
import dev.fovea.examples.cnn.Models;
import dev.fovea.examples.filters.FilterRegression;
import dev.fovea.examples.filters.PeakClassification;
import dev.fovea.examples.peaks.PeakAnalysis;
import dev.fovea.examples.peaks.PeakFinder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea tour} (also {@code fovea} alone): the answer to the seed question, step by step. A
 * designed filter finds peaks; the same filter is learned back from random numbers by
 * backpropagation; a peak detector is learned from labels; a CNN learns its filters from the bundled
 * digits. About two minutes on a 2-core machine; the pictures go to {@code --out}.
 */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = {
            "Walk through how the numbers in a convolution filter are decided: a designed filter finds peaks, "
                    + "backpropagation learns that filter back from random numbers, a peak detector is learned "
                    + "from labels, and a CNN learns its filters from handwritten digits.",
            "Takes about two minutes on two CPU cores; writes its pictures under --out."
        })
public final class TourCommand implements Callable<Integer> {
    /** The asymmetric filter the tour uses to show convolution vs cross-correlation. */
    static final double[] ASYMMETRIC_FILTER = {1, 0, -1};
    /** Epochs of the digits CNN: measured to reach over 95% test accuracy with the defaults. */
    static final int DIGITS_EPOCHS = 8;

    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the tour writes its pictures (default: ${DEFAULT-VALUE}); created when they are "
                    + "written.",
            defaultValue = "fovea-out")
    private Path out = Path.of("fovea-out");

    @Option(names = "--digits-epochs", paramLabel = "N", defaultValue = "" + DIGITS_EPOCHS,
            description = "Epochs of the CNN trained on the digits (default: ${DEFAULT-VALUE}).")
    private int digitsEpochs = DIGITS_EPOCHS;

    @Option(names = "--digits-limit", paramLabel = "N", defaultValue = "0",
            description = "Train the CNN on only the first N training digits, for a quicker tour (default: all).")
    private int digitsLimit;

    @Override
    public Integer call() {
        CnnTraining cnn;
        try {
            LearnFilterCommand.checkEpochs("--digits-epochs", digitsEpochs);
            if (digitsLimit < 0) {
                throw new IllegalArgumentException("--digits-limit must be 0 (all) or positive, got " + digitsLimit);
            }
            cnn = new CnnTraining(DatasetChoice.DIGITS, null, Models.LENET, digitsEpochs, 64, "sgd",
                    CnnTraining.defaultLearningRate("sgd", DatasetChoice.DIGITS), 42, digitsLimit);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        DeviceSelection.applyDeviceOption(spec.commandLine(), common);
        BackendsReport backends = BackendsReport.collect();
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        PeakAnalysis designed = PeakFinder.analyze(device, PeakFinder.SEED_SIGNAL, PeakFinder.SEED_FILTER);
        PeakAnalysis asymmetric = PeakFinder.analyze(device, PeakFinder.SEED_SIGNAL, ASYMMETRIC_FILTER);
        FilterRegression regression = FilterRegression.of(FilterRegression.SEED_TARGET,
                FilterRegression.DEFAULT_EPOCHS, FilterRegression.DEFAULT_LEARNING_RATE, FilterRegression.DEFAULT_SEED);
        PeakClassification classification = PeakClassification.of(PeakClassification.DEFAULT_EPOCHS,
                PeakClassification.DEFAULT_LEARNING_RATE, FilterRegression.DEFAULT_SEED);
        PrintWriter w = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject learned = LearnFilterCommand.run(null, device, regression, classification, out, true);
            JsonObject trained = TrainCommand.run(spec, spec.commandLine().getErr(), cnn, device, out);
            JsonObject json = Json.forCommand("tour");
            json.add("backends", backends.toJson());
            json.add("peaks", PeaksOutput.toJson(designed));
            json.add("asymmetric", PeaksOutput.toJson(asymmetric));
            json.add("learnFilter", learned);
            json.add("train", trained);
            json.add("pngs", pngs(learned, trained));
            json.addProperty("out", out.toString());
            Json.print(w, json);
            return 0;
        }
        w.println("Fovea tour: how are the numbers in a convolution filter decided?");
        w.println();
        w.println(backends.summaryLine());
        w.println();
        w.println("1. A designed filter. v = [-1 1 -1] says 'the middle is larger than its neighbours':");
        w.println("   sliding it over u suppresses the slopes and amplifies the peaks.");
        w.println();
        PeaksOutput.print(w, designed);
        w.println();
        w.println("2. Convolution or cross-correlation? The same signal with the asymmetric filter v = [1 0 -1].");
        w.println("   This filter measures a slope, not a peak, so its positive responses are not u's peaks;");
        w.println("   what matters here is how the two columns differ.");
        w.println();
        PeaksOutput.print(w, asymmetric);
        w.println();
        w.println("3. In a CNN nobody designs the filter: its numbers are weights, drawn at random and moved by");
        w.println("   backpropagation until the layer fits the data. First, learn [-1 1 -1] back from examples of");
        w.println("   what it does ('fovea learn-filter' for the whole printout).");
        w.println();
        JsonObject learned = LearnFilterCommand.run(w, device, regression, classification, out, true);
        w.println();
        w.println("4. A CNN learns its own filters: LeNet (two convolution layers, 32 and 64 filters of 5x5) on the");
        w.println("   bundled 8x8 handwritten digits ('fovea train' for other data sets and models).");
        w.println();
        JsonObject trained = TrainCommand.run(spec, w, cnn, device, out);
        w.println();
        JsonObject classify = learned.getAsJsonObject("classify");
        double[] shape = new double[3];
        for (int i = 0; i < 3; i++) {
            shape[i] = classify.getAsJsonArray("normalized").get(i).getAsDouble();
        }
        w.println("5. The answer: the numbers in a filter are weights. They start as random numbers (here from a");
        w.println("   distribution centred at 0) and backpropagation moves them, step by step, to whatever fits the");
        w.println("   data: exactly [-1 1 -1] when the data were made with it, a peak detector shaped like");
        w.printf(Locale.ROOT, "   [%s] when only labels are given, and whatever the digits need in a CNN (%.1f%%%n",
                NumberLists.format(roundTo2(shape)), 100 * trained.get("testAccuracy").getAsDouble());
        w.println("   of the test digits right).");
        w.println();
        w.println("Pictures in " + out + ":");
        for (Map.Entry<String, JsonElement> png : pngs(learned, trained).entrySet()) {
            w.println("  " + png.getValue().getAsString() + "  (" + describe(png.getKey()) + ")");
        }
        w.flush();
        return 0;
    }

    private static double[] roundTo2(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i] * 100) / 100.0;
        }
        return out;
    }

    private static JsonObject pngs(JsonObject learned, JsonObject trained) {
        JsonObject pngs = new JsonObject();
        learned.getAsJsonObject("pngs").entrySet().forEach(e -> pngs.add(e.getKey(), e.getValue()));
        trained.getAsJsonObject("pngs").entrySet().forEach(e -> pngs.add(e.getKey(), e.getValue()));
        return pngs;
    }

    private static String describe(String key) {
        return switch (key) {
            case "learnFilter" -> "the 3-tap filter moving from random numbers to [-1, 1, -1]";
            case "classify" -> "the peak classifier's taps and bias, epoch by epoch";
            case "curves" -> "the CNN's training loss and test accuracy per epoch";
            case "filtersBefore" -> "the CNN's first-layer filters at random initialisation";
            case "filtersAfter" -> "the same filters after training";
            default -> key;
        };
    }
}

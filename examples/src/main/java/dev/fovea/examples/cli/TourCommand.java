package dev.fovea.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.examples.peaks.PeakAnalysis;
import dev.fovea.examples.peaks.PeakFinder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fovea tour} (also {@code fovea} alone): the answer to the seed question, step by step.
 * So far: the backends, a designed filter finding peaks, and convolution vs cross-correlation.
 * Learning the filter and training a CNN come next.
 */
@Command(name = "tour", mixinStandardHelpOptions = true,
        description = "Walk through how the numbers in a convolution filter are decided: first a designed "
                + "filter, then (in a later version) a learned one and a CNN.")
public final class TourCommand implements Callable<Integer> {
    /** The asymmetric filter the tour uses to show convolution vs cross-correlation. */
    static final double[] ASYMMETRIC_FILTER = {1, 0, -1};

    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the tour writes pictures and models (default: ${DEFAULT-VALUE}); "
                    + "created only when something is written.",
            defaultValue = "fovea-out")
    private Path out = Path.of("fovea-out");

    @Override
    public Integer call() {
        DeviceSelection.applyDeviceOption(spec.commandLine(), common);
        BackendsReport backends = BackendsReport.collect();
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        PeakAnalysis designed = PeakFinder.analyze(device, PeakFinder.SEED_SIGNAL, PeakFinder.SEED_FILTER);
        PeakAnalysis asymmetric = PeakFinder.analyze(device, PeakFinder.SEED_SIGNAL, ASYMMETRIC_FILTER);
        PrintWriter w = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject json = Json.forCommand("tour");
            json.add("backends", backends.toJson());
            json.add("peaks", PeaksOutput.toJson(designed));
            json.add("asymmetric", PeaksOutput.toJson(asymmetric));
            json.addProperty("out", out.toString());
            JsonArray next = new JsonArray();
            next.add("learn-filter");
            next.add("train");
            json.add("next", next);
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
        w.println("3. Next: the numbers in a CNN's filters are not designed but learned. They start as random");
        w.println("   weights and backpropagation moves them until they fit the data. Coming in the next version");
        w.println("   of this tour: 'fovea learn-filter' (learn [-1 1 -1] back from examples) and 'fovea train'");
        w.println("   (a CNN whose filters turn from noise into edge detectors), written to " + out + ".");
        w.flush();
        return 0;
    }
}

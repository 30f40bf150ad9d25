package dev.fovea.examples.cli;

import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.examples.peaks.PeakAnalysis;
import dev.fovea.examples.peaks.PeakFinder;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea peaks}: the seed answer's example. A designed filter slides over a signal; where it
 * responds positively there is a peak, and a max pool picks the strongest one.
 */
@Command(name = "peaks", mixinStandardHelpOptions = true,
        description = {
            "Slide a designed filter over a signal to find its peaks, then max-pool the response "
                    + "(the seed answer's example, computed with Fovea's conv1d and maxPool1d).",
            "y = conv(u, v, 'valid') as in MATLAB; positions are 1-based."
        })
public final class PeaksCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--signal", paramLabel = "U1,U2,...",
            description = "The signal u, comma-separated (default: the seed's ${DEFAULT-VALUE}).",
            defaultValue = "0.8416,0.7342,0.5710,0.1769,0.9574,0.2653,0.9246,0.2238,0.3736,0.0875")
    private String signal;

    @Option(names = "--filter", paramLabel = "V1,V2,...",
            description = "The filter v, comma-separated, no longer than the signal (default: ${DEFAULT-VALUE}).",
            defaultValue = "-1,1,-1")
    private String filter;

    @Override
    public Integer call() {
        PeakAnalysis analysis = analyze(spec, common, signal, filter);
        PrintWriter out = spec.commandLine().getOut();
        if (common.json()) {
            JsonObject json = Json.forCommand("peaks");
            PeaksOutput.toJson(analysis).entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
            Json.print(out, json);
        } else {
            out.println("Peaks: a designed filter slides over a signal");
            out.println();
            PeaksOutput.print(out, analysis);
        }
        return 0;
    }

    /** Parses and validates the lists (usage errors: exit 2), then computes on the selected device. */
    static PeakAnalysis analyze(CommandSpec spec, CommonOptions common, String signalText, String filterText) {
        double[] u;
        double[] v;
        try {
            u = NumberLists.parse("--signal", signalText);
            v = NumberLists.parse("--filter", filterText);
            PeakFinder.validate(u, v);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Device device = DeviceSelection.resolve(spec.commandLine(), common);
        return PeakFinder.analyze(device, u, v);
    }
}

package dev.fovea.examples.cli;

import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.core.device.Devices;
import dev.fovea.examples.cnn.SwapComparison;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fovea swap}: moves a model and its optimizer between backends halfway through training, and
 * shows that training goes on as if it had stayed.
 */
@Command(name = "swap", mixinStandardHelpOptions = true,
        description = {
            "Train a small CNN on the digits on --from, move the model and its optimizer state to --to halfway "
                    + "(one call: Training.moveTo), continue there, and compare each step's loss with a run from the "
                    + "same seed that stays on --from.",
            "The losses agree to float32 rounding: the backends sum in different orders."
        })
public final class SwapCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--from", paramLabel = "DEVICE", defaultValue = "cpu",
            description = "Where both runs start, e.g. cpu or opencl:0 (default: ${DEFAULT-VALUE}).")
    private String from;

    @Option(names = "--to", paramLabel = "DEVICE", defaultValue = "opencl",
            description = "Where the swapped run moves halfway (default: ${DEFAULT-VALUE}).")
    private String to;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "40",
            description = "Optimizer steps in each run, at least 2; the move happens after N/2 (default: "
                    + "${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Examples per step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.05",
            description = "SGD's learning rate, momentum 0.9 (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seeds the split, the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        SwapComparison comparison;
        try {
            comparison = new SwapComparison(steps, batchSize, learningRate, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Device source = device("--from", from);
        Device target = device("--to", to);
        boolean json = common.json();
        PrintWriter w = spec.commandLine().getOut();
        PrintWriter text = json ? spec.commandLine().getErr() : w;
        text.printf(Locale.ROOT, "Training a small CNN on the digits for %d steps on %s, twice: once staying there, "
                + "once moving to %s after step %d.%n", steps, source.name(), target.name(), comparison.swapStep());
        text.flush();
        SwapComparison.Result r = comparison.run(source, target, step -> {
            if (step == comparison.swapStep()) {
                text.printf(Locale.ROOT, "  step %d: moving the model and its optimizer state to %s%n", step,
                        target.name());
                text.flush();
            }
        });
        text.printf(Locale.ROOT, "%6s  %14s  %14s  %s%n", "step", "stays (" + r.from() + ")", "swapped", "relative diff");
        for (int i = 0; i < r.steps(); i++) {
            double ref = r.lossesReference()[i];
            double sw = r.lossesSwapped()[i];
            text.printf(Locale.ROOT, "%6d  %14.8f  %14.8f  %.2e%s%n", i + 1, ref, sw, Math.abs(sw - ref) / Math.abs(ref),
                    i + 1 == r.swapStep() ? "   <- moved to " + r.to() + " after this step" : "");
        }
        text.printf(Locale.ROOT, "Largest relative difference of a loss: %.3g (float32 rounding; the backends sum in "
                + "different orders). %.1f s.%n", r.maxRelativeDifference(), r.seconds());
        text.flush();
        if (json) {
            JsonObject object = Json.forCommand("swap");
            object.addProperty("from", r.from());
            object.addProperty("to", r.to());
            object.addProperty("steps", r.steps());
            object.addProperty("swapStep", r.swapStep());
            object.add("lossesReference", Json.array(r.lossesReference()));
            object.add("lossesSwapped", Json.array(r.lossesSwapped()));
            object.addProperty("maxRelativeDifference", r.maxRelativeDifference());
            object.addProperty("batchSize", batchSize);
            object.addProperty("learningRate", learningRate);
            object.addProperty("seed", seed);
            object.addProperty("seconds", r.seconds());
            Json.print(w, object);
        }
        return 0;
    }

    /** The named device; an unknown or unavailable one is a usage error (exit 2) with the registry's message. */
    private Device device(String option, String name) {
        try {
            return Devices.get(name);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), option + " " + name + ": " + e.getMessage(), e);
        }
    }
}

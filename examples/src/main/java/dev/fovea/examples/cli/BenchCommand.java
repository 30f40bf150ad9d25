package dev.fovea.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.api.Device;
import dev.fovea.examples.bench.Benchmarks;
import dev.fovea.examples.bench.TorchReference;
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
 * {@code fovea bench}: GFLOP/s of SGEMM, milliseconds of the convolution shapes (forward,
 * forward+backward) and LeNet training samples per second, measured after warm-up as medians of
 * several runs (see {@link Benchmarks}); with {@code --reference}, PyTorch on the same shapes and
 * thread count in the same run, side by side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure SGEMM, convolutions and a LeNet training step on a device (medians after warm-up).",
            "See docs/performance.md for the machine's figures."})
public final class BenchCommand implements Callable<Integer> {
    /** The system property the CPU backend sizes its thread pool by. */
    static final String THREADS_PROPERTY = "fovea.cpu.threads";

    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads of the CPU backend's pool and of the PyTorch reference (default: all processors).")
    private Integer threads;

    @Option(names = "--quick", description = "Fewer repetitions: a first look (and what tests run).")
    private boolean quick;

    @Option(names = "--reference", description = "Also measure PyTorch on the same shapes and threads, each case "
            + "right after Fovea's (needs --python with torch; off unless given).")
    private boolean reference;

    @Option(names = "--only", split = ",", paramLabel = "CASE",
            description = "Measure only these parts, comma-separated: sgemm, conv2d, lenet (default: all).")
    private java.util.List<String> only;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = TorchReference.DEFAULT_PYTHON,
            description = "Python with torch for --reference (default: ${DEFAULT-VALUE}).")
    private String python;

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
        }
        java.util.List<String> cases = only == null || only.isEmpty() ? Benchmarks.CASES : only;
        for (String c : cases) {
            if (!Benchmarks.CASES.contains(c)) {
                throw new ParameterException(spec.commandLine(), "--only: unknown part '" + c + "'; the parts are "
                        + String.join(", ", Benchmarks.CASES));
            }
        }
        if (reference && !TorchReference.available(python)) {
            throw new ParameterException(spec.commandLine(), "--reference needs " + python
                    + " with PyTorch (import torch failed); install python3-torch and libopenblas0-openmp, or give --python");
        }
        // read by the CPU backend when it opens, which happens here (a device opened earlier in this JVM
        // keeps its pool: `fovea bench` as a command runs in a fresh one)
        String before = System.getProperty(THREADS_PROPERTY);
        System.setProperty(THREADS_PROPERTY, String.valueOf(n));
        Device device;
        try {
            device = DeviceSelection.resolve(spec.commandLine(), common);
        } finally {
            if (before == null) {
                System.clearProperty(THREADS_PROPERTY);
            } else {
                System.setProperty(THREADS_PROPERTY, before);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean json = common.json();
        if (!json) {
            out.printf("fovea bench on %s (%s), %d thread%s; %s%n", device.name(), device.info().name(), n,
                    n == 1 ? "" : "s", quick ? "quick: medians of 3 runs after a short warm-up"
                            : "medians of 10 runs (5 for sgemm 2048, 7 for fwd+bwd) after a 2 s warm-up each");
            out.flush();
        }
        JsonObject fovea;
        try (TorchReference.Session ref = reference ? TorchReference.start(python, n, quick) : null) {
            fovea = new Benchmarks(device, quick, what -> {
                if (!json) {
                    out.println("  measuring " + what + " ...");
                    out.flush();
                }
            }).run(ref, cases);
        }
        JsonObject ref = fovea.has("reference") ? fovea.remove("reference").getAsJsonObject() : null;
        JsonObject result = Json.forCommand("bench");
        result.addProperty("device", device.name() + " " + device.info().name());
        result.addProperty("threads", n);
        fovea.entrySet().forEach(e -> result.add(e.getKey(), e.getValue()));
        if (ref != null) {
            result.add("reference", ref);
        }
        if (json) {
            Json.print(out, result);
        } else {
            printTable(out, result, ref);
        }
        return 0;
    }

    private static void printTable(PrintWriter out, JsonObject fovea, JsonObject ref) {
        out.println();
        out.printf(Locale.ROOT, "%-44s %12s%s%n", "", "Fovea", ref == null ? "" : String.format(Locale.ROOT, " %12s %8s",
                "PyTorch", "ratio"));
        JsonArray sg = fovea.has("sgemm") ? fovea.getAsJsonArray("sgemm") : new JsonArray();
        for (int i = 0; i < sg.size(); i++) {
            JsonObject o = sg.get(i).getAsJsonObject();
            row(out, "sgemm " + o.get("n").getAsInt() + " (GFLOP/s)", o, ref == null ? null
                    : ref.getAsJsonArray("sgemm").get(i).getAsJsonObject(), "gflops", true);
        }
        JsonArray cv = fovea.has("conv2d") ? fovea.getAsJsonArray("conv2d") : new JsonArray();
        for (int i = 0; i < cv.size(); i++) {
            JsonObject o = cv.get(i).getAsJsonObject();
            JsonObject r = ref == null ? null : ref.getAsJsonArray("conv2d").get(i).getAsJsonObject();
            String shape = String.format(Locale.ROOT, "conv %dx%dx%dx%d->%d %dx%d", o.get("n").getAsInt(),
                    o.get("cin").getAsInt(), o.get("h").getAsInt(), o.get("w").getAsInt(), o.get("cout").getAsInt(),
                    o.get("k").getAsInt(), o.get("k").getAsInt());
            row(out, shape + " fwd (ms)", o, r, "forwardMs", false);
            row(out, shape + " fwd+bwd (ms)", o, r, "forwardBackwardMs", false);
            row(out, shape + " fwd (GFLOP/s)", o, r, "forwardGflops", true);
        }
        if (!fovea.has("lenet")) {
            out.flush();
            return;
        }
        JsonObject lenet = fovea.getAsJsonObject("lenet");
        row(out, "LeNet training, batch 64 (samples/s)", lenet, ref == null ? null : ref.getAsJsonObject("lenet"),
                "trainSamplesPerSecond", true);
        out.printf(Locale.ROOT, "%nGC during the LeNet measurement: %.0f ms of %.0f ms (%.1f%%)%n",
                lenet.get("gcMs").getAsDouble(), lenet.get("measuredMs").getAsDouble(),
                100 * lenet.get("gcMs").getAsDouble() / lenet.get("measuredMs").getAsDouble());
        if (ref != null) {
            out.println("ratio = Fovea's throughput / PyTorch's (above 1: Fovea is faster)");
        }
        out.flush();
    }

    private static void row(PrintWriter out, String label, JsonObject fovea, JsonObject ref, String key,
            boolean higherIsBetter) {
        double f = fovea.get(key).getAsDouble();
        if (ref == null) {
            out.printf(Locale.ROOT, "%-44s %12.1f%n", label, f);
            return;
        }
        double r = ref.get(key).getAsDouble();
        out.printf(Locale.ROOT, "%-44s %12.1f %12.1f %8.2f%n", label, f, r, higherIsBetter ? f / r : r / f);
    }
}

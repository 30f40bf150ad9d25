package dev.fovea.examples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the bundled {@code torch_reference.py} (the same shapes, thread count and method as
 * {@link Benchmarks}) with a Python that has PyTorch, and returns its JSON. PyTorch runs with
 * {@code OMP_NUM_THREADS} and {@code torch.set_num_threads} set to the thread count, and with glibc
 * told to keep freed memory ({@code MALLOC_*}), as in the reference figures of the performance notes.
 */
public final class TorchReference {
    /** The default interpreter: Debian's, which has python3-torch. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = "/dev/fovea/examples/bench/torch_reference.py";

    private TorchReference() {}

    /** Whether {@code python} can import torch (false when it is missing or fails). */
    public static boolean available(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Measures PyTorch.
     *
     * @throws IllegalStateException when the script cannot be run or fails, with its error output
     */
    public static JsonObject run(String python, int threads, boolean quick) throws IOException, InterruptedException {
        Path script = Files.createTempFile("fovea-torch-reference", ".py");
        try {
            try (InputStream in = TorchReference.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled " + SCRIPT + " is missing from the class path");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            List<String> command = new ArrayList<>(List.of(python, script.toString(), "--threads",
                    String.valueOf(threads)));
            if (quick) {
                command.add("--quick");
            }
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> env = pb.environment();
            env.put("OMP_NUM_THREADS", String.valueOf(threads));
            env.put("MKL_NUM_THREADS", String.valueOf(threads));
            env.put("MALLOC_MMAP_THRESHOLD_", "33554432");
            env.put("MALLOC_TRIM_THRESHOLD_", "1073741824");
            env.put("MALLOC_TOP_PAD_", "268435456");
            Path err = Files.createTempFile("fovea-torch-reference", ".err");
            try {
                pb.redirectError(err.toFile());
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("the PyTorch reference did not finish in 30 minutes");
                }
                if (p.exitValue() != 0 || out.isEmpty()) {
                    throw new IllegalStateException("the PyTorch reference (" + python + " " + SCRIPT + ") failed with exit "
                            + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8).strip());
                }
                String last = out.substring(out.lastIndexOf('\n') + 1);
                return JsonParser.parseString(last).getAsJsonObject();
            } finally {
                Files.deleteIfExists(err);
            }
        } finally {
            Files.deleteIfExists(script);
        }
    }
}

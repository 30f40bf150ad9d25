package dev.fovea.examples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
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
 * {@link Benchmarks}) with a Python that has PyTorch, one case at a time. PyTorch runs with
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
     * Starts the bundled script in serving mode: each {@link Session#ask} measures one case in PyTorch,
     * so that the caller can interleave it with the same case in Java (both then see the same load).
     *
     * @throws IllegalStateException when the script cannot be started, with its error output
     */
    public static Session start(String python, int threads, boolean quick) throws IOException {
        Path script = Files.createTempFile("fovea-torch-reference", ".py");
        try (InputStream in = TorchReference.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + SCRIPT + " is missing from the class path");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "--threads", String.valueOf(threads),
                "--serve"));
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
        pb.redirectError(err.toFile());
        Session session = new Session(pb.start(), script, err, python);
        session.header = session.read();
        return session;
    }

    /** A running reference process; {@link #close()} ends it and deletes its files. */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final Path script;
        private final Path err;
        private final String python;
        private final BufferedReader in;
        private final PrintWriter out;
        private JsonObject header;

        private Session(Process process, Path script, Path err, String python) {
            this.process = process;
            this.script = script;
            this.err = err;
            this.python = python;
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        }

        /** {@code {"device": "PyTorch <version> CPU", "threads": N}}. */
        public JsonObject header() {
            return header;
        }

        /** Sends one request ({@code "sgemm 1024"}, {@code "conv 64 1 28 28 32 5 2"}, {@code "lenet"}) and returns the answer. */
        public JsonObject ask(String request) throws IOException {
            out.println(request);
            return read();
        }

        private JsonObject read() throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("the PyTorch reference (" + python + " " + SCRIPT + ") stopped: "
                        + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.has("error")) {
                throw new IllegalStateException("the PyTorch reference answered: " + o.get("error").getAsString());
            }
            return o;
        }

        @Override
        public void close() throws IOException {
            out.println("quit");
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                Files.deleteIfExists(script);
                Files.deleteIfExists(err);
            }
        }
    }
}

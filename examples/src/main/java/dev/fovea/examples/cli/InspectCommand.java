package dev.fovea.examples.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.fovea.core.io.CheckpointFormatException;
import dev.fovea.core.io.ModelIo;
import dev.fovea.core.io.SafetensorsFile;
import dev.fovea.examples.cnn.CnnCheckpoints;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fovea inspect FILE}: lists a safetensors file's tensors (name, dtype, shape) and metadata,
 * after validating it the way every Fovea loader does; a malformed file is a usage error (exit 2) with
 * the reason.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
            "List the tensors (name, dtype, shape) and metadata of a safetensors file - one Fovea or PyTorch wrote - "
                    + "or of the model.safetensors of a saved model or checkpoint directory.",
            "The file is validated as every Fovea loader does; a malformed one exits with code 2 and the reason."
        })
public final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "A .safetensors file, or a directory holding model.safetensors (a saved model, a "
                    + "checkpoint, or the DIR of 'fovea train --checkpoint DIR', whose last/ is read).")
    private Path file;

    @Override
    public Integer call() {
        Path target = resolve(file);
        JsonObject json = Json.forCommand("inspect");
        json.addProperty("file", target.toString());
        JsonArray tensors = new JsonArray();
        JsonObject metadata = new JsonObject();
        long elements = 0;
        PrintWriter out = spec.commandLine().getOut();
        try (SafetensorsFile f = SafetensorsFile.open(target)) {
            for (SafetensorsFile.Entry e : f.entries()) {
                JsonObject t = new JsonObject();
                t.addProperty("name", e.name());
                t.addProperty("dtype", e.dtype().name());
                JsonArray shape = new JsonArray();
                for (long d : e.shape()) {
                    shape.add(d);
                }
                t.add("shape", shape);
                tensors.add(t);
                elements += e.numel();
            }
            f.metadata().forEach(metadata::addProperty);
            json.add("tensors", tensors);
            json.add("metadata", metadata);
            json.addProperty("elements", elements);
            json.addProperty("dataBytes", f.dataLength());
            if (common.json()) {
                Json.print(out, json);
                return 0;
            }
            out.printf(Locale.ROOT, "%s: %d tensor%s, %,d elements, %,d bytes of data%n", target, f.entries().size(),
                    f.entries().size() == 1 ? "" : "s", elements, f.dataLength());
            int width = Math.max(4, f.entries().stream().mapToInt(e -> e.name().length()).max().orElse(4));
            out.printf(Locale.ROOT, "  %-" + width + "s  %-5s  %s%n", "name", "dtype", "shape");
            for (SafetensorsFile.Entry e : f.entries()) {
                out.printf(Locale.ROOT, "  %-" + width + "s  %-5s  %s%n", e.name(), e.dtype(), e.shapeString());
            }
            if (f.metadata().isEmpty()) {
                out.println("No metadata.");
            } else {
                out.println("Metadata:");
                f.metadata().forEach((k, v) -> out.printf(Locale.ROOT, "  %s = %s%n", k, v));
            }
            out.flush();
            return 0;
        } catch (CheckpointFormatException e) {
            throw new ParameterException(spec.commandLine(), "malformed safetensors file: " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "no such file: " + target, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** A directory stands for its model.safetensors (or that of its last/ checkpoint). */
    private Path resolve(Path given) {
        if (!Files.isDirectory(given)) {
            return given;
        }
        try {
            return CnnCheckpoints.modelDirectory(given).resolve(ModelIo.WEIGHTS_FILE);
        } catch (NoSuchFileException e) {
            if (Files.isRegularFile(given.resolve(ModelIo.WEIGHTS_FILE))) {
                return given.resolve(ModelIo.WEIGHTS_FILE);
            }
            throw new ParameterException(spec.commandLine(), given + " is a directory without " + ModelIo.WEIGHTS_FILE
                    + " (nor " + given.resolve(CnnCheckpoints.LAST).resolve(ModelIo.WEIGHTS_FILE) + ")", e);
        }
    }
}

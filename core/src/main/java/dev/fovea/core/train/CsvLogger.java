package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one CSV row per epoch, flushed as soon as the epoch ends, so that a run can be watched
 * ({@code tail -f}) or plotted while it trains, and survives a crash up to the last epoch.
 *
 * <pre>
 * epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_second,seconds,learning_rate[,metric,val_metric...]
 * 1,0.441,0.8602,0.339,0.8812,2890.1,22.4,0.01
 * </pre>
 *
 * <p>{@code epoch} counts from 1 like the console does. Values not measured are left empty. The header
 * (with any extra metrics of the first epoch) is written with the first row. {@link #to(Path)}
 * replaces the file at the start of a run; {@link #appendingTo(Path)} adds to it (for resumed runs)
 * and writes the header only into an empty or new file.
 */
public final class CsvLogger implements TrainingListener {
    private final Path path;
    private final boolean append;
    private BufferedWriter writer;
    private List<String> metricNames;

    private CsvLogger(Path path, boolean append) {
        this.path = Preconditions.checkNotNull(path, "path");
        this.append = append;
    }

    /** A logger that replaces {@code path} when training starts. */
    public static CsvLogger to(Path path) {
        return new CsvLogger(path, false);
    }

    /** A logger that appends to {@code path} (header only when the file is new or empty). */
    public static CsvLogger appendingTo(Path path) {
        return new CsvLogger(path, true);
    }

    public Path path() {
        return path;
    }

    @Override
    public void onTrainStart(TrainingControl control) {
        close();
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            boolean needsHeader = !append || !Files.exists(path) || Files.size(path) == 0;
            writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
            metricNames = needsHeader ? null : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger: cannot open " + path + " for writing: " + e.getMessage(), e);
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        if (writer == null) {
            return;
        }
        try {
            if (metricNames == null) {
                metricNames = new ArrayList<>(m.metrics().keySet());
                StringBuilder header = new StringBuilder(
                        "epoch,train_loss,train_accuracy,val_loss,val_accuracy,samples_per_second,seconds,learning_rate");
                for (String name : metricNames) {
                    header.append(',').append(quote(name));
                }
                writer.write(header.toString());
                writer.newLine();
            } else if (metricNames.isEmpty() && !m.metrics().isEmpty() && append) {
                metricNames = new ArrayList<>(m.metrics().keySet()); // appending: follow the existing header's order
            }
            StringBuilder row = new StringBuilder().append(m.epoch() + 1);
            for (double v : new double[] {m.trainLoss(), m.trainAccuracy(), m.validationLoss(),
                    m.validationAccuracy(), m.samplesPerSecond(), m.seconds(), m.learningRate()}) {
                row.append(',').append(number(v));
            }
            for (String name : metricNames) {
                row.append(',').append(number(m.metric(name)));
            }
            writer.write(row.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("CsvLogger: cannot write to " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        close();
    }

    @Override
    public void onTrainError(RuntimeException error) {
        close();
    }

    private void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("CsvLogger: cannot close " + path + ": " + e.getMessage(), e);
            } finally {
                writer = null;
            }
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v).trim();
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}

package dev.fovea.core.train;

import com.google.common.base.Preconditions;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training on a console: one progress bar per epoch with the loss and throughput, then a summary
 * line per epoch, then the outcome.
 *
 * <pre>
 * epoch 1/5 100% │████████████│ 469/469 batches (0:00:21 / 0:00:00) loss 0.3121 | 2,890 samples/s
 * epoch 1/5: train loss 0.4410, train acc 86.02%, val loss 0.3390, val acc 88.12%, 2,890 samples/s, 22.4 s
 * </pre>
 *
 * <p>A progress bar redraws one line with carriage returns, which a log file or CI console shows as a
 * garbled run of text. So {@code new ConsoleProgress()} draws bars only when the JVM has an
 * interactive terminal ({@link System#console()}), and otherwise prints {@link #plain plain lines}:
 * the summary per epoch plus, in long epochs, a progress line at most every 30 seconds.
 */
public final class ConsoleProgress implements TrainingListener {
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private final PrintStream out;
    private final boolean bars;
    private final int width;
    private final long intervalNanos;

    private ProgressBar bar;
    private int totalEpochs;
    private int batchesPerEpoch;
    private long lastLine;

    private ConsoleProgress(PrintStream out, boolean bars, int width, Duration interval) {
        this.out = Preconditions.checkNotNull(out, "out");
        this.bars = bars;
        this.width = width;
        this.intervalNanos = interval.toNanos();
    }

    /** Progress bars on {@code System.out} when it is an interactive terminal, plain lines otherwise. */
    public ConsoleProgress() {
        this(System.out, isInteractive(), -1, DEFAULT_INTERVAL);
    }

    /** Plain lines only (no carriage returns or escape codes): epoch summaries and a line every 30 s. */
    public static ConsoleProgress plain(PrintStream out) {
        return plain(out, DEFAULT_INTERVAL);
    }

    /**
     * Plain lines only, with a progress line within an epoch at most every {@code interval}
     * ({@link Duration#ZERO} for one after every batch).
     */
    public static ConsoleProgress plain(PrintStream out, Duration interval) {
        Preconditions.checkArgument(interval != null && !interval.isNegative(), "interval must be >= 0, got %s",
                interval);
        return new ConsoleProgress(out, false, -1, interval);
    }

    /**
     * Progress bars on {@code out}, at most {@code width} characters wide ({@code -1}: the terminal's
     * width, which needs a terminal).
     */
    public static ConsoleProgress bars(PrintStream out, int width) {
        Preconditions.checkArgument(width == -1 || width >= 40, "width must be -1 or >= 40, got %s", width);
        return new ConsoleProgress(out, true, width, DEFAULT_INTERVAL);
    }

    /** Whether this listener draws progress bars (else plain lines). */
    public boolean drawsBars() {
        return bars;
    }

    /** Whether the JVM is attached to an interactive terminal. */
    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Java 22+: a console exists even when redirected; isTerminal() tells
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // Java 17-21: a console exists only for a terminal
        }
    }

    @Override
    public void onTrainStart(TrainingControl control) {
        totalEpochs = control.totalEpochs();
        batchesPerEpoch = control.batchesPerEpoch();
        String resume = control.startEpoch() == 0 && control.startBatch() == 0 ? ""
                : String.format(Locale.ROOT, ", resuming at epoch %d batch %d", control.startEpoch() + 1,
                        control.startBatch() + 1);
        out.printf(Locale.ROOT, "training %d epoch%s of %d batches (%,d samples)%s%s%n", totalEpochs,
                totalEpochs == 1 ? "" : "s", batchesPerEpoch, control.trainSamples(),
                control.hasValidation() ? ", with validation" : "", resume);
        out.flush();
    }

    @Override
    public void onEpochStart(int epoch) {
        lastLine = System.nanoTime();
        if (bars) {
            closeBar();
            ProgressBarBuilder builder = new ProgressBarBuilder()
                    .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, totalEpochs))
                    .setInitialMax(batchesPerEpoch)
                    .setUnit(" batches", 1)
                    .setStyle(ProgressBarStyle.UNICODE_BLOCK)
                    .setUpdateIntervalMillis(200)
                    .setConsumer(width > 0 ? new ConsoleProgressBarConsumer(out, width)
                            : new ConsoleProgressBarConsumer(out));
            bar = builder.build();
        }
    }

    @Override
    public void onBatchEnd(BatchEvent event) {
        String message = String.format(Locale.ROOT, "loss %.4f | %,.0f samples/s", event.loss(),
                event.samplesPerSecond());
        if (bar != null) {
            bar.stepTo(event.batchIndex() + 1L);
            bar.setExtraMessage(" " + message);
            return;
        }
        long now = System.nanoTime();
        if (!bars && now - lastLine >= intervalNanos && event.batchIndex() + 1 < event.batchesPerEpoch()) {
            lastLine = now;
            out.printf(Locale.ROOT, "epoch %d/%d batch %d/%d: %s%n", event.epoch() + 1, totalEpochs,
                    event.batchIndex() + 1, event.batchesPerEpoch(), message);
            out.flush();
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics metrics) {
        closeBar();
        out.println(summary(metrics, totalEpochs));
        out.flush();
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        closeBar();
        StringBuilder line = new StringBuilder(result.stoppedEarly() ? "stopped: " + result.stopReason()
                : "done: " + result.stopReason());
        line.append(String.format(Locale.ROOT, " in %.1f s", result.seconds()));
        result.best().ifPresent(best -> line.append(String.format(Locale.ROOT, "; best epoch %d by %s",
                best.epoch() + 1, result.bestBy())));
        out.println(line);
        out.flush();
    }

    @Override
    public void onTrainError(RuntimeException error) {
        closeBar();
        out.println("training failed: " + error.getMessage());
        out.flush();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /**
     * One line about an epoch, e.g. {@code epoch 2/5: train loss 0.3120, train acc 90.51%, val loss
     * 0.2950, val acc 91.20%, 3,021 samples/s, 20.1 s}; values that were not measured are left out.
     */
    public static String summary(EpochMetrics m, int totalEpochs) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f",
                m.epoch() + 1, totalEpochs, m.trainLoss()));
        if (!Double.isNaN(m.trainAccuracy())) {
            s.append(String.format(Locale.ROOT, ", train acc %.2f%%", 100 * m.trainAccuracy()));
        }
        if (!Double.isNaN(m.validationLoss())) {
            s.append(String.format(Locale.ROOT, ", val loss %.4f", m.validationLoss()));
        }
        if (!Double.isNaN(m.validationAccuracy())) {
            s.append(String.format(Locale.ROOT, ", val acc %.2f%%", 100 * m.validationAccuracy()));
        }
        m.metrics().forEach((name, value) -> {
            if (!Double.isNaN(value)) {
                s.append(String.format(Locale.ROOT, ", %s %.4g", name, value));
            }
        });
        if (!Double.isNaN(m.samplesPerSecond())) {
            s.append(String.format(Locale.ROOT, ", %,.0f samples/s", m.samplesPerSecond()));
        }
        if (!Double.isNaN(m.seconds())) {
            s.append(String.format(Locale.ROOT, ", %.1f s", m.seconds()));
        }
        return s.toString();
    }
}

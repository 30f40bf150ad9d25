package dev.fovea.backend.cpu;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs independent tasks of one kernel on the common fork-join pool. Kernels split their output
 * into disjoint parts, one per task, and compute each part in a fixed order, so results never depend
 * on the number of threads or on scheduling.
 */
final class Parallel {
    /** Below this many multiply-adds (or element visits) a kernel runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1L << 16;

    private Parallel() {}

    /** Runs {@code body(0 .. tasks-1)}, in parallel when {@code parallel} and there is more than one task. */
    static void run(int tasks, boolean parallel, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (!parallel || tasks == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, tasks).parallel().forEach(body);
        }
    }

    /** Threads of the common pool (at least 1). */
    static int threads() {
        return Math.max(1, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism());
    }

    /** Start of part {@code part} of {@code parts} equal parts of {@code [0, n)}. */
    static int start(int n, int parts, int part) {
        return (int) ((long) n * part / parts);
    }
}

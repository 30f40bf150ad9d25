package dev.fovea.backend.cpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the independent tasks of one kernel on a pool of {@link #threads()} threads (the calling
 * thread is one of them). Kernels split their output into disjoint parts, one per task, and compute
 * each part in a fixed order, so results never depend on the number of threads or on scheduling:
 * tasks are handed out dynamically, but what a task computes does not depend on who runs it.
 *
 * <p>Pools are shared by every backend with the same thread count and use daemon threads, so
 * opening many backends costs no threads. A kernel called from inside a pool thread runs its tasks
 * on that thread (no nested parallelism).
 */
final class Parallel {
    /** Below this many multiply-adds (or element visits) a kernel runs on the calling thread. */
    static final long MIN_PARALLEL_WORK = 1L << 16;

    /** Runs every task on the calling thread. */
    static final Parallel SERIAL = new Parallel(1, null);

    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    private final int threads;
    private final ForkJoinPool pool;

    private Parallel(int threads, ForkJoinPool pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** An executor of {@code threads} threads (the caller plus {@code threads - 1} pool threads). */
    static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the cpu backend needs at least 1 thread, got " + threads);
        }
        if (threads == 1) {
            return SERIAL;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, t -> new ForkJoinPool(t - 1, p -> {
            ForkJoinWorkerThread w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            w.setName("fovea-cpu-" + t + "-" + w.getPoolIndex());
            w.setDaemon(true);
            return w;
        }, null, false));
        return new Parallel(threads, pool);
    }

    /** Threads a kernel may use, the caller included (at least 1). */
    int threads() {
        return threads;
    }

    /** This executor when {@code work} is worth splitting, else {@link #SERIAL}. */
    Parallel above(long work) {
        return work >= MIN_PARALLEL_WORK ? this : SERIAL;
    }

    /** Runs {@code body(0 .. tasks-1)}, spread over the threads; returns when all are done. */
    void run(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || pool == null || isPoolThread()) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        Job job = new Job(tasks, body, Thread.currentThread());
        int helpers = Math.min(threads, tasks) - 1;
        for (int h = 0; h < helpers; h++) {
            pool.execute(job::work);
        }
        job.work();
        job.await();
    }

    private boolean isPoolThread() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /** Start of part {@code part} of {@code parts} equal parts of {@code [0, n)}. */
    static int start(int n, int parts, int part) {
        return (int) ((long) n * part / parts);
    }

    /** Tasks handed out by a counter; the caller waits until every task has finished. */
    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final Thread caller;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int tasks, IntConsumer body, Thread caller) {
            this.tasks = tasks;
            this.body = body;
            this.caller = caller;
        }

        void work() {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    if (failure.get() == null) {
                        body.accept(t);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (done.incrementAndGet() == tasks) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void await() {
            for (int spin = 0; done.get() < tasks; spin++) {
                if (spin < 200) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 200_000);
                }
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }
}

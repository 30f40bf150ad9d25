package dev.fovea.core.data;

import dev.fovea.core.data.DataLoader.HostBatch;
import dev.fovea.core.data.DataLoader.Plan;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The producer side of a prefetching iteration: a daemon thread that assembles one epoch's host
 * batches into reused buffers and hands them over in order. It never references its
 * {@link BatchIterator}, so an abandoned iterator can be collected and its cleaner can stop it.
 */
final class Prefetcher implements Runnable {
    /** Handed over after the last batch. */
    static final Object END = new Object();
    /** Returned by {@link #take} when the iteration was cancelled before the epoch was assembled. */
    static final Object CANCELLED = new Object();

    /** A failure while assembling {@code batch}. */
    record Failure(int batch, Throwable cause) {}

    private static final long POLL_MS = 100;

    private final Plan plan;
    private final int start;
    private final int end;
    private final int poolSize;
    private final Set<Prefetcher> registry;
    private final ArrayBlockingQueue<HostBatch> free;
    private final LinkedBlockingQueue<Object> ready = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private int allocated; // producer thread only
    private volatile boolean cancelled;
    private volatile Thread thread;

    Prefetcher(Plan plan, int start, int end, int poolSize, Set<Prefetcher> registry) {
        this.plan = plan;
        this.start = start;
        this.end = end;
        this.poolSize = poolSize;
        this.registry = registry;
        this.free = new ArrayBlockingQueue<>(poolSize);
    }

    void start(Thread t) {
        thread = t;
        t.start();
    }

    @Override
    public void run() {
        int batch = start;
        try {
            for (; batch < end; batch++) {
                if (cancelled) {
                    return;
                }
                int size = plan.sizeOf(batch);
                HostBatch buffer;
                if (size == plan.batchSize) {
                    buffer = takeFree();
                    if (buffer == null) {
                        return;
                    }
                } else {
                    buffer = plan.newBuffer(size);
                }
                plan.assemble(batch, buffer);
                ready.add(buffer);
            }
            ready.add(END);
        } catch (InterruptedException e) {
            // cancelled while waiting for a free buffer: nobody wants the rest
        } catch (Throwable t) {
            if (!cancelled) {
                ready.add(new Failure(batch, t));
            }
        } finally {
            registry.remove(this);
            finished.countDown();
        }
    }

    /** A free full-size buffer: a returned one, a new one while the pool is not full, else wait. */
    private HostBatch takeFree() throws InterruptedException {
        HostBatch b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated < poolSize) {
            allocated++;
            return plan.newBuffer(plan.batchSize);
        }
        while (!cancelled) {
            b = free.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /**
     * The next item in batch order: a {@link HostBatch}, a {@link Failure}, {@link #END}, or
     * {@link #CANCELLED} once the producer has stopped early.
     */
    Object take() throws InterruptedException {
        while (true) {
            Object item = ready.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (item != null) {
                return item;
            }
            if (finished.getCount() == 0 && ready.isEmpty()) {
                return CANCELLED;
            }
        }
    }

    /** Gives a consumed buffer back for reuse. */
    void recycle(HostBatch buffer) {
        if (buffer.labels.length == plan.batchSize) {
            free.offer(buffer);
        }
    }

    /** Asks the thread to stop; returns at once. Idempotent. */
    void cancel() {
        cancelled = true;
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Waits up to {@code millis} for the thread to end; true if it has. */
    boolean awaitTermination(long millis) {
        try {
            return finished.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The producer thread, for tests. */
    Thread thread() {
        return thread;
    }
}

package dev.fovea.core.data;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.data.DataLoader.HostBatch;
import dev.fovea.core.data.DataLoader.Plan;
import dev.fovea.core.nn.ClassLabels;
import dev.fovea.core.tensor.Tensors;
import java.lang.ref.Cleaner;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One pass over (the rest of) an epoch of a {@link DataLoader}. Use it from one thread. Closing it
 * stops its prefetch thread; an iterator that is simply dropped stops its thread once it has been
 * garbage collected, but closing is prompter:
 *
 * <pre>{@code
 * try (BatchIterator it = loader.iterator(epoch, startBatch)) {
 *     while (it.hasNext()) { try (Batch b = it.next()) { ... } }
 * }
 * }</pre>
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Plan plan;
    private final Device device;
    private final int end;
    private final Prefetcher prefetcher;
    private final Cleaner.Cleanable cleanable;
    private final DataLoader loader;
    private final int[] inputDims;
    private HostBatch syncBuffer;
    private int next;
    private boolean closed;

    BatchIterator(Plan plan, Device device, int start, int end, Prefetcher prefetcher, DataLoader loader) {
        this.plan = plan;
        this.device = device;
        this.next = start;
        this.end = end;
        this.prefetcher = prefetcher;
        this.loader = loader;
        // The action holds the prefetcher, never this iterator, so that this can become unreachable.
        this.cleanable = prefetcher == null ? null : CLEANER.register(this, prefetcher::cancel);
        int[] ex = plan.dataset.exampleShape().dims();
        this.inputDims = new int[ex.length + 1];
        System.arraycopy(ex, 0, inputDims, 1, ex.length);
    }

    /** The epoch this iterator runs. */
    public int epoch() {
        return plan.epoch;
    }

    /** Index within the epoch of the batch the next {@link #next()} returns. */
    public int nextBatchIndex() {
        return next;
    }

    /** False once the epoch is done or this iterator or its loader has been closed. */
    @Override
    public boolean hasNext() {
        return !closed && next < end && !loader.isClosed();
    }

    /**
     * The next batch, uploaded to the loader's device on the calling thread.
     *
     * @throws IllegalStateException with the original failure as its cause when copying or
     *     transforming the examples failed (on the prefetch thread or here)
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException(closed || loader.isClosed()
                    ? "this batch iteration was closed" : "epoch " + plan.epoch + " has no more batches");
        }
        HostBatch host;
        if (prefetcher == null) {
            int size = plan.sizeOf(next);
            if (size == plan.batchSize) {
                if (syncBuffer == null) {
                    syncBuffer = plan.newBuffer(size);
                }
                host = syncBuffer;
            } else {
                host = plan.newBuffer(size);
            }
            try {
                plan.assemble(next, host);
            } catch (RuntimeException e) {
                close();
                throw failure(next, e, "");
            }
        } else {
            Object item;
            try {
                item = prefetcher.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for batch " + next + " of epoch "
                        + plan.epoch, e);
            }
            if (item instanceof Prefetcher.Failure f) {
                close();
                throw failure(f.batch(), f.cause(), " on the prefetch thread");
            }
            if (!(item instanceof HostBatch)) {
                close();
                throw new IllegalStateException("the data loader was closed while waiting for batch " + next
                        + " of epoch " + plan.epoch);
            }
            host = (HostBatch) item;
        }
        Batch batch;
        try {
            batch = upload(host);
        } finally {
            if (prefetcher != null) {
                prefetcher.recycle(host);
            }
        }
        next++;
        if (next == end) {
            close();
        }
        return batch;
    }

    private Batch upload(HostBatch host) {
        int size = host.labels.length;
        int[] dims = inputDims.clone();
        dims[0] = size;
        Tensor inputs = Tensors.of(device, host.examples, dims);
        try {
            // Checked here on the host, so that cross-entropy need not read the labels back from the device.
            Tensor labels = ClassLabels.upload(device, host.labels, plan.dataset.numClasses());
            return new Batch(inputs, labels, size);
        } catch (RuntimeException e) {
            inputs.close();
            throw e;
        }
    }

    private IllegalStateException failure(int batch, Throwable cause, String where) {
        return new IllegalStateException("data loader: assembling batch " + batch + " of epoch " + plan.epoch
                + where + " failed: " + cause, cause);
    }

    /** Stops the prefetch thread, if any; {@link #hasNext()} is false afterwards. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The prefetch thread, or null when this iteration assembles batches on the caller's thread. */
    Thread prefetchThread() {
        return prefetcher == null ? null : prefetcher.thread();
    }
}

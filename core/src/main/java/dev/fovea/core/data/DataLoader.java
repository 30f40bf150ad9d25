package dev.fovea.core.data;

import com.google.common.base.MoreObjects;
import com.google.common.base.Preconditions;
import com.google.common.primitives.ImmutableIntArray;
import dev.fovea.api.Device;
import dev.fovea.core.device.Devices;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts a {@link Dataset} into {@link Batch}es on a {@link Device}: batching, seeded shuffling, the
 * short-last-batch policy, per-example transforms and background prefetch.
 *
 * <pre>{@code
 * DataLoader train = DataLoader.over(dataset).batchSize(64).shuffle(seed).dropLast(false)
 *         .prefetch(2).device(device);
 * for (int epoch = 0; epoch < 5; epoch++) {
 *     for (Batch batch : train.epoch(epoch)) {
 *         try (batch) { ... batch.inputs() [64, 1, 28, 28] ... batch.labels() [64] ... }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Configuration</b> is immutable: every setter returns a new loader and leaves this one
 * unchanged. Defaults: batch size 32, no shuffle, seed 0, {@link LastBatch#KEEP}, prefetch depth 2,
 * the {@linkplain Devices#defaultDevice() default device} (looked up when an epoch starts), no
 * transform.
 *
 * <p><b>Order.</b> Epoch {@code e} visits the examples in {@link #order(int) order(e)}: with
 * {@link #shuffle(long) shuffle(seed)} that is {@link Shuffle#permutation Shuffle.permutation(size,
 * seed, e)}, a pure function of (seed, epoch), otherwise {@code 0, 1, 2, ...}. Batch {@code b}
 * holds positions {@code [b * batchSize, (b + 1) * batchSize)} of that order, so an epoch can be
 * {@linkplain #iterator(int, int) resumed at any batch} with exactly the data it would have seen.
 * Transforms receive {@code SeededRandom.of(AUGMENT_STREAM, seed, epoch, exampleIndex)}, which
 * also does not depend on how batches are assembled.
 *
 * <p><b>Prefetch.</b> With depth {@code d > 0} each epoch's iterator starts a daemon thread named
 * {@value #THREAD_NAME_PREFIX}{@code -N} that copies examples and runs transforms into host arrays
 * ({@code d + 1} reused buffers, so at most {@code d + 1} batches are assembled ahead); the
 * consumer's thread uploads each batch to the device. A failure on that thread is rethrown by
 * {@link Iterator#next()} as an {@link IllegalStateException} with the failure as its cause. The
 * thread ends when the epoch is fully assembled, when the iterator is {@linkplain
 * BatchIterator#close() closed}, when this loader is {@linkplain #close() closed}, or — for an
 * iteration abandoned without closing — soon after the iterator becomes unreachable. With depth 0
 * everything happens on the consumer's thread. Both give identical batches.
 */
public final class DataLoader implements Iterable<Batch>, AutoCloseable {
    /** What to do with the final batch of an epoch when the dataset size is not a multiple of the batch size. */
    public enum LastBatch {
        /** Yield it, with fewer examples than the batch size. */
        KEEP,
        /** Skip its examples for this epoch (with shuffling, different ones each epoch). */
        DROP
    }

    /** Name prefix of prefetch threads. */
    public static final String THREAD_NAME_PREFIX = "fovea-data-prefetch";

    /** Separates augmentation streams from shuffle streams keyed by the same seed. */
    public static final long AUGMENT_STREAM = 0x4155_474D_454E_5431L; // "AUGMENT1"

    private static final AtomicInteger THREAD_COUNTER = new AtomicInteger();

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final LastBatch lastBatch;
    private final int prefetch;
    private final Device device;
    private final ExampleTransform transform;

    /** Epoch of the next {@link #iterator()} call. */
    private final AtomicInteger nextEpoch = new AtomicInteger();
    /** Prefetch threads of this loader's live iterations (not the iterators: they must stay collectable). */
    private final Set<Prefetcher> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed, LastBatch lastBatch,
            int prefetch, Device device, ExampleTransform transform) {
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.lastBatch = lastBatch;
        this.prefetch = prefetch;
        this.device = device;
        this.transform = transform;
    }

    /** A loader over {@code dataset} with the default configuration (see the class comment). */
    public static DataLoader over(Dataset dataset) {
        Preconditions.checkNotNull(dataset, "dataset");
        return new DataLoader(dataset, 32, false, 0, LastBatch.KEEP, 2, null, null);
    }

    // ---- Configuration (each returns a new loader) ---------------------------------------------

    /** Examples per batch. */
    public DataLoader batchSize(int batchSize) {
        Preconditions.checkArgument(batchSize > 0, "batchSize must be positive, got %s", batchSize);
        return new DataLoader(dataset, batchSize, shuffle, seed, lastBatch, prefetch, device, transform);
    }

    /** Shuffles every epoch, in the order {@link Shuffle#permutation} gives for {@code (seed, epoch)}. */
    public DataLoader shuffle(long seed) {
        return new DataLoader(dataset, batchSize, true, seed, lastBatch, prefetch, device, transform);
    }

    /** Visits examples in dataset order every epoch (the seed still keys transforms). */
    public DataLoader noShuffle() {
        return new DataLoader(dataset, batchSize, false, seed, lastBatch, prefetch, device, transform);
    }

    /** The seed of shuffles and transforms, without changing whether the loader shuffles. */
    public DataLoader seed(long seed) {
        return new DataLoader(dataset, batchSize, shuffle, seed, lastBatch, prefetch, device, transform);
    }

    /** {@link LastBatch#DROP} when true, {@link LastBatch#KEEP} when false. */
    public DataLoader dropLast(boolean drop) {
        return lastBatch(drop ? LastBatch.DROP : LastBatch.KEEP);
    }

    /** What to do with a short last batch. */
    public DataLoader lastBatch(LastBatch policy) {
        Preconditions.checkNotNull(policy, "policy");
        return new DataLoader(dataset, batchSize, shuffle, seed, policy, prefetch, device, transform);
    }

    /** How many batches a background thread may assemble ahead; 0 assembles on the caller's thread. */
    public DataLoader prefetch(int depth) {
        Preconditions.checkArgument(depth >= 0 && depth <= 1024, "prefetch depth must be in [0, 1024], got %s", depth);
        return new DataLoader(dataset, batchSize, shuffle, seed, lastBatch, depth, device, transform);
    }

    /** The device batches are uploaded to. */
    public DataLoader device(Device device) {
        Preconditions.checkNotNull(device, "device");
        return new DataLoader(dataset, batchSize, shuffle, seed, lastBatch, prefetch, device, transform);
    }

    /**
     * Applies {@code transform} to each example of each batch on the host (replacing any earlier
     * transform; chain several with {@link ExampleTransform#andThen}). {@code null} removes it.
     */
    public DataLoader transform(ExampleTransform transform) {
        return new DataLoader(dataset, batchSize, shuffle, seed, lastBatch, prefetch, device, transform);
    }

    // ---- What it is -----------------------------------------------------------------------------

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean isShuffled() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    public LastBatch lastBatch() {
        return lastBatch;
    }

    public int prefetch() {
        return prefetch;
    }

    /** The configured device, or the current default device when none was set. */
    public Device device() {
        return device != null ? device : Devices.defaultDevice();
    }

    /** Batches in one epoch: {@code size / batchSize}, plus one for a kept short last batch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return n / batchSize + (lastBatch == LastBatch.KEEP && n % batchSize != 0 ? 1 : 0);
    }

    /** The order in which epoch {@code epoch} visits the dataset's examples (all of them). */
    public ImmutableIntArray order(int epoch) {
        return ImmutableIntArray.copyOf(orderArray(epoch));
    }

    int[] orderArray(int epoch) {
        Preconditions.checkArgument(epoch >= 0, "epoch must not be negative, got %s", epoch);
        return shuffle ? Shuffle.permutation(dataset.size(), seed, epoch) : Shuffle.identity(dataset.size());
    }

    // ---- Iteration ------------------------------------------------------------------------------

    /**
     * Iterates the next epoch: the first call iterates epoch 0, the next epoch 1, and so on, so that
     * a plain {@code for (Batch b : loader)} reshuffles every time. Use {@link #epoch(int)} to name
     * the epoch.
     */
    @Override
    public BatchIterator iterator() {
        return iterator(nextEpoch.getAndIncrement(), 0);
    }

    /** Epoch {@code epoch} as an {@link Iterable}: each of its iterators runs that whole epoch. */
    public Iterable<Batch> epoch(int epoch) {
        Preconditions.checkArgument(epoch >= 0, "epoch must not be negative, got %s", epoch);
        return () -> iterator(epoch, 0);
    }

    /**
     * Iterates epoch {@code epoch} from batch {@code startBatch} on — exactly the batches a full
     * iteration would yield from that point, which is how a run resumes mid-epoch.
     *
     * @param startBatch in {@code [0, batchesPerEpoch()]}
     * @throws IllegalStateException if this loader has been closed
     */
    public BatchIterator iterator(int epoch, int startBatch) {
        Preconditions.checkState(!closed, "this DataLoader is closed");
        Preconditions.checkArgument(epoch >= 0, "epoch must not be negative, got %s", epoch);
        int batches = batchesPerEpoch();
        Preconditions.checkArgument(startBatch >= 0 && startBatch <= batches,
                "startBatch %s is outside [0, %s] (batches per epoch)", startBatch, batches);
        Device target = device();
        Plan plan = new Plan(dataset, batchSize, seed, epoch, orderArray(epoch), transform);
        if (prefetch == 0 || startBatch == batches) {
            return new BatchIterator(plan, target, startBatch, batches, null, this);
        }
        Prefetcher prefetcher = new Prefetcher(plan, startBatch, batches, prefetch + 1, running);
        running.add(prefetcher);
        Thread thread = new Thread(prefetcher, THREAD_NAME_PREFIX + "-" + THREAD_COUNTER.incrementAndGet());
        thread.setDaemon(true);
        prefetcher.start(thread);
        if (closed) { // close() raced with us: do not leave a thread behind
            prefetcher.cancel();
        }
        return new BatchIterator(plan, target, startBatch, batches, prefetcher, this);
    }

    /**
     * Stops every prefetch thread this loader started (iterators still open then report no more
     * batches) and refuses new iterations. Waits briefly for the threads to end. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        for (Prefetcher p : running) {
            p.cancel();
        }
        for (Prefetcher p : running) {
            p.awaitTermination(2_000);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper(this)
                .add("dataset", dataset)
                .add("batchSize", batchSize)
                .add("shuffle", shuffle ? "seed " + seed : "no")
                .add("lastBatch", lastBatch)
                .add("prefetch", prefetch)
                .add("device", device == null ? "default" : device.name())
                .add("transform", transform)
                .toString();
    }

    /** Everything needed to assemble the host arrays of any batch of one epoch; shared by both threads. */
    static final class Plan {
        final Dataset dataset;
        final int batchSize;
        final long seed;
        final int epoch;
        final int[] order;
        final ExampleTransform transform;
        final int exampleSize;

        Plan(Dataset dataset, int batchSize, long seed, int epoch, int[] order, ExampleTransform transform) {
            this.dataset = dataset;
            this.batchSize = batchSize;
            this.seed = seed;
            this.epoch = epoch;
            this.order = order;
            this.transform = transform;
            this.exampleSize = dataset.exampleSize();
        }

        int sizeOf(int batch) {
            return Math.min(batchSize, order.length - batch * batchSize);
        }

        HostBatch newBuffer(int size) {
            return new HostBatch(new float[Math.multiplyExact(size, exampleSize)], new int[size]);
        }

        /** Fills {@code into} (which holds exactly {@link #sizeOf}{@code (batch)} examples) with batch {@code batch}. */
        void assemble(int batch, HostBatch into) {
            int from = batch * batchSize;
            int size = into.labels.length;
            dataset.copyBatch(order, from, size, into.examples, into.labels);
            // Labels are checked here, on the host, so that the loss need not read them back from the device.
            int classes = dataset.numClasses();
            for (int k = 0; k < size; k++) {
                int label = into.labels[k];
                if (label < 0 || label >= classes) {
                    throw new IllegalArgumentException("example " + order[from + k] + " has label " + label
                            + ", outside [0, " + classes + ") (the dataset's numClasses())");
                }
            }
            if (transform != null) {
                for (int k = 0; k < size; k++) {
                    SeededRandom rng = SeededRandom.of(AUGMENT_STREAM, seed, epoch, order[from + k]);
                    transform.apply(into.examples, k * exampleSize, dataset.exampleShape(), rng);
                }
            }
            into.batch = batch;
        }
    }

    /** The host arrays of one batch; full-size ones are reused, the short last one is not. */
    static final class HostBatch {
        final float[] examples;
        final int[] labels;
        int batch;

        HostBatch(float[] examples, int[] labels) {
            this.examples = examples;
            this.labels = labels;
        }
    }
}

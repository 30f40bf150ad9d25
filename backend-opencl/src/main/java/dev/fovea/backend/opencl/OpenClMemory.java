package dev.fovea.backend.opencl;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_context;
import org.jocl.cl_mem;

/**
 * Device memory of one backend: a budget of its own, a pool of released buffers bucketed by size,
 * and the counters {@link OpenClStats} reports.
 *
 * <p>Sizes are rounded up to a bucket (256 bytes, then steps of a quarter of the power of two
 * below: 1.25, 1.5, 1.75 and 2 times 2^k, so less than a quarter is wasted); a request takes a pooled buffer of its bucket when there is one and
 * otherwise creates a new one with {@code clCreateBuffer}. Closing a buffer returns it to the pool;
 * the pool gives memory back to OpenCL when the budget needs it ({@link #trim()}) and when the
 * backend closes. A {@link Cleaner} returns buffers nobody closed once they become unreachable — a
 * safety net only: release is meant to be deterministic.
 *
 * <p>The budget counts bytes in use plus pooled bytes. A request that does not fit even after the
 * pool is emptied (and after giving the garbage collector two chances to return leaked buffers)
 * throws {@link IllegalStateException} naming the size asked for and the budget.
 *
 * <p>Thread-safe: kernels run on the backend's thread while the Cleaner returns buffers on its own.
 */
final class OpenClMemory {
    /** Smallest bucket; also what a zero-element buffer occupies (OpenCL has no empty buffers). */
    static final long MIN_BUCKET = 256;

    private static final Cleaner CLEANER = Cleaner.create();

    private final cl_context context;
    private final long flags;
    private final long budget;
    private final long maxAllocation;
    private final String deviceId;

    private final Map<Long, ArrayDeque<cl_mem>> pool = new HashMap<>();
    private final Set<Slot> live = new HashSet<>();
    private long bytesInUse;
    private long pooledBytes;
    private long buffersCreated;
    private long buffersReused;
    private long buffersReleased;
    private boolean closed;

    /** One piece of device memory handed out to a buffer; returned to the pool at most once. */
    static final class Slot {
        final cl_mem mem;
        final long bytes;
        private boolean returned;
        private boolean freed;

        private Slot(cl_mem mem, long bytes) {
            this.mem = mem;
            this.bytes = bytes;
        }
    }

    /**
     * @param flags {@code clCreateBuffer} flags
     * @param budget bytes this backend may hold (in use plus pooled)
     * @param maxAllocation the device's largest single buffer ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE})
     */
    OpenClMemory(cl_context context, long flags, long budget, long maxAllocation, String deviceId) {
        this.context = context;
        this.flags = flags;
        this.budget = budget;
        this.maxAllocation = maxAllocation;
        this.deviceId = deviceId;
    }

    /** The bucket a request of {@code bytes} is served from: 256, else the next multiple of 2^k / 4 with 2^k < bytes <= 2^(k+1). */
    static long bucket(long bytes) {
        if (bytes <= MIN_BUCKET) {
            return MIN_BUCKET;
        }
        long step = Long.highestOneBit(bytes - 1) / 4;
        return (bytes + step - 1) / step * step;
    }

    long budget() {
        return budget;
    }

    /**
     * A slot of at least {@code bytes}, pooled or new.
     *
     * @param what the request in words, for messages ("1000 FLOAT32 elements")
     * @throws IllegalStateException when the request exceeds the device's largest allocation or the budget
     */
    Slot acquire(String what, long bytes) {
        if (bytes > maxAllocation) {
            throw new IllegalStateException("allocate: " + what + " need " + bytes + " bytes, more than the largest"
                    + " single buffer " + deviceId + " allows (" + maxAllocation + " bytes, CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
        }
        long size = bucket(bytes);
        if (size > budget) {
            throw outOfMemory(what, bytes, size);
        }
        for (int attempt = 0; ; attempt++) {
            Slot slot = tryAcquire(size);
            if (slot != null) {
                return slot;
            }
            if (attempt == 2) {
                throw outOfMemory(what, bytes, size);
            }
            // Buffers nobody closed come back only through the Cleaner: give it a chance.
            System.gc();
            try {
                Thread.sleep(20L * (attempt + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw outOfMemory(what, bytes, size);
            }
        }
    }

    private synchronized Slot tryAcquire(long size) {
        if (closed) {
            throw new IllegalStateException("allocate: the OpenCL backend on " + deviceId + " has been closed");
        }
        ArrayDeque<cl_mem> bucket = pool.get(size);
        if (bucket != null && !bucket.isEmpty()) {
            cl_mem mem = bucket.pop();
            pooledBytes -= size;
            buffersReused++;
            return handOut(new Slot(mem, size));
        }
        if (bytesInUse + pooledBytes + size > budget) {
            trimLocked();
        }
        if (bytesInUse + size > budget) {
            return null;
        }
        cl_mem mem;
        try {
            mem = create(size);
        } catch (CLException e) {
            if (!isOutOfMemory(e.getStatus())) {
                throw e;
            }
            // The driver ran out before our budget did: give back everything pooled and try once more.
            trimLocked();
            try {
                mem = create(size);
            } catch (CLException again) {
                if (!isOutOfMemory(again.getStatus())) {
                    throw again;
                }
                throw new IllegalStateException("allocate: OpenCL could not allocate " + size + " bytes on " + deviceId
                        + " (" + OpenClPlatforms.statusName(again.getStatus()) + ", status " + again.getStatus()
                        + ") with " + bytesInUse + " bytes in use; release tensors or lower the memory use", again);
            }
        }
        buffersCreated++;
        return handOut(new Slot(mem, size));
    }

    private cl_mem create(long size) {
        int[] status = new int[1];
        cl_mem mem = CL.clCreateBuffer(context, flags, size, null, status);
        if (status[0] != CL.CL_SUCCESS) {
            throw new CLException("clCreateBuffer returned " + status[0], status[0]);
        }
        return mem;
    }

    private static boolean isOutOfMemory(int status) {
        return status == CL.CL_OUT_OF_HOST_MEMORY || status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE
                || status == CL.CL_OUT_OF_RESOURCES;
    }

    private Slot handOut(Slot slot) {
        bytesInUse += slot.bytes;
        live.add(slot);
        return slot;
    }

    private IllegalStateException outOfMemory(String what, long bytes, long size) {
        long inUse;
        synchronized (this) {
            inUse = bytesInUse;
        }
        return new IllegalStateException(String.format(Locale.ROOT,
                "allocate: out of OpenCL device memory on %s: %s need %d bytes (%d with the pool's rounding), "
                        + "but %d of the budget of %d bytes are in use; close tensors you no longer need, or raise "
                        + "the budget with -D%s=<bytes>",
                deviceId, what, bytes, size, inUse, budget, OpenClBackend.MEMORY_LIMIT_PROPERTY));
    }

    /** Returns a slot to the pool (or to OpenCL once the backend is closed). Idempotent. */
    synchronized void giveBack(Slot slot) {
        if (slot.returned) {
            return;
        }
        slot.returned = true;
        if (slot.freed) {
            return;
        }
        live.remove(slot);
        bytesInUse -= slot.bytes;
        if (closed) {
            release(slot.mem);
            slot.freed = true;
            return;
        }
        pool.computeIfAbsent(slot.bytes, k -> new ArrayDeque<>()).push(slot.mem);
        pooledBytes += slot.bytes;
    }

    /** Whether the slot's memory is gone (returned, or freed when the backend closed). */
    synchronized boolean isGone(Slot slot) {
        return slot.returned || slot.freed;
    }

    /** Gives every pooled buffer back to OpenCL; returns the bytes freed. */
    synchronized long trim() {
        return trimLocked();
    }

    private long trimLocked() {
        long freed = 0;
        for (Iterator<Map.Entry<Long, ArrayDeque<cl_mem>>> it = pool.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, ArrayDeque<cl_mem>> e = it.next();
            for (cl_mem mem : e.getValue()) {
                release(mem);
                freed += e.getKey();
            }
            it.remove();
        }
        pooledBytes -= freed;
        return freed;
    }

    private void release(cl_mem mem) {
        CL.clReleaseMemObject(mem);
        buffersReleased++;
    }

    /** Frees every buffer, pooled or still in use; later requests fail. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        trimLocked();
        for (Slot slot : live) {
            release(slot.mem);
            slot.freed = true;
        }
        live.clear();
        bytesInUse = 0;
    }

    /** Registers {@code buffer} so that its slot comes back if it is dropped without being closed. */
    Cleaner.Cleanable watch(Object buffer, Slot slot) {
        return CLEANER.register(buffer, new Reclaim(this, slot));
    }

    /** The Cleaner's action; holds no reference to the buffer object itself. */
    private static final class Reclaim implements Runnable {
        private final OpenClMemory memory;
        private final Slot slot;

        Reclaim(OpenClMemory memory, Slot slot) {
            this.memory = memory;
            this.slot = slot;
        }

        @Override
        public void run() {
            memory.giveBack(slot);
        }
    }

    synchronized long bytesInUse() {
        return bytesInUse;
    }

    synchronized long pooledBytes() {
        return pooledBytes;
    }

    synchronized long buffersCreated() {
        return buffersCreated;
    }

    synchronized long buffersReused() {
        return buffersReused;
    }

    synchronized long buffersReleased() {
        return buffersReleased;
    }
}

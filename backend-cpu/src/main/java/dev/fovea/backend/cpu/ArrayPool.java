package dev.fovea.backend.cpu;

import dev.fovea.api.DType;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrays of released buffers, kept by dtype and length for the next allocation of that size.
 *
 * <p>Why: a training step allocates the same activation and gradient sizes every time, and a fresh
 * large Java array is expensive here: the JVM zeroes it, G1 places it in humongous regions, and the
 * first touch of each page faults (measured about 1.6 µs per 4 KiB page on these machines). Reusing
 * the array of a buffer released in the previous step skips all of that. The backend contract already
 * says a new buffer's contents are unspecified, so nothing is cleared on reuse.
 *
 * <p>Small arrays are not pooled (a thread-local allocation is cheaper than the lock). The pool holds
 * at most {@code capacityBytes}; when a release would exceed it, the sizes used least recently are
 * dropped first (left to the garbage collector). Thread-safe: buffers may be released by the
 * {@link java.lang.ref.Cleaner} thread.
 */
final class ArrayPool {
    /** System property: the most bytes the pool keeps (default: a quarter of the maximum heap). */
    static final String CAPACITY_PROPERTY = "fovea.cpu.poolBytes";
    /**
     * System property for tests: fill recycled arrays with NaN (floats) or a marker (ints), so a
     * kernel that wrongly relies on zeroed output memory fails loudly instead of by luck.
     */
    static final String POISON_PROPERTY = "fovea.cpu.poisonRecycled";
    /** Arrays shorter than this are allocated fresh and not kept. */
    static final int MIN_ELEMENTS = 4096;
    /** What {@link #POISON_PROPERTY} writes into recycled INT32 arrays. */
    static final int INT_POISON = 0x7F0F0F0F;

    private final long capacityBytes;
    private final boolean poison;
    /** Access-ordered: the first key is the size used least recently. */
    private final LinkedHashMap<Long, ArrayDeque<Object>> free = new LinkedHashMap<>(16, 0.75f, true);
    private long heldBytes;
    private long reused;

    ArrayPool(long capacityBytes, boolean poison) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("array pool capacity must be >= 0 bytes, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.poison = poison;
    }

    /** A pool configured by {@value #CAPACITY_PROPERTY} and {@value #POISON_PROPERTY}. */
    static ArrayPool configured() {
        long capacity = Runtime.getRuntime().maxMemory() / 4;
        String v = System.getProperty(CAPACITY_PROPERTY);
        if (v != null && !v.isBlank()) {
            try {
                capacity = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + CAPACITY_PROPERTY + "=" + v
                        + " is not a byte count; give a whole number >= 0 (0 turns the pool off)", e);
            }
            if (capacity < 0) {
                throw new IllegalArgumentException("-D" + CAPACITY_PROPERTY + "=" + v
                        + " is negative; give a whole number >= 0 (0 turns the pool off)");
            }
        }
        return new ArrayPool(capacity, Boolean.getBoolean(POISON_PROPERTY));
    }

    /** A pooled array of {@code elements} values of {@code type}, or null when none is free. */
    Object take(DType type, int elements) {
        if (elements < MIN_ELEMENTS) {
            return null;
        }
        Object array;
        synchronized (this) {
            ArrayDeque<Object> arrays = free.get(key(type, elements));
            if (arrays == null || arrays.isEmpty()) {
                return null;
            }
            array = arrays.pop();
            heldBytes -= bytes(type, elements);
            reused++;
        }
        if (poison) {
            fillPoison(array);
        }
        return array;
    }

    /** Keeps the array of a released buffer for reuse, if it is large enough and fits. */
    void give(DType type, int elements, Object array) {
        long size = bytes(type, elements);
        if (array == null || elements < MIN_ELEMENTS || size > capacityBytes) {
            return;
        }
        synchronized (this) {
            Long key = key(type, elements);
            if (heldBytes + size > capacityBytes) {
                evict(heldBytes + size - capacityBytes, key);
            }
            if (heldBytes + size > capacityBytes) {
                return;
            }
            free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(array);
            heldBytes += size;
        }
    }

    /** Drops everything held. */
    synchronized void clear() {
        free.clear();
        heldBytes = 0;
    }

    /** Bytes held for reuse now. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /** How many allocations were served from the pool so far. */
    synchronized long reusedCount() {
        return reused;
    }

    /** Drops arrays of the least recently used sizes (other than {@code keep}) until {@code bytes} are gone. */
    private void evict(long bytes, Long keep) {
        long dropped = 0;
        Iterator<Map.Entry<Long, ArrayDeque<Object>>> it = free.entrySet().iterator();
        while (it.hasNext() && dropped < bytes) {
            Map.Entry<Long, ArrayDeque<Object>> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            long each = bytes(typeOf(e.getKey()), lengthOf(e.getKey()));
            ArrayDeque<Object> arrays = e.getValue();
            while (!arrays.isEmpty() && dropped < bytes) {
                arrays.pop();
                dropped += each;
            }
            if (arrays.isEmpty()) {
                it.remove();
            }
        }
        heldBytes -= dropped;
    }

    private static Long key(DType type, int elements) {
        return ((long) type.ordinal() << 32) | elements;
    }

    private static DType typeOf(long key) {
        return DType.values()[(int) (key >>> 32)];
    }

    private static int lengthOf(long key) {
        return (int) key;
    }

    private static long bytes(DType type, int elements) {
        return (long) elements * type.byteSize();
    }

    private static void fillPoison(Object array) {
        if (array instanceof float[] f) {
            Arrays.fill(f, Float.NaN);
        } else if (array instanceof double[] d) {
            Arrays.fill(d, Double.NaN);
        } else if (array instanceof int[] i) {
            Arrays.fill(i, INT_POISON);
        }
    }
}

package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.backend.DeviceBuffer;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class ArrayPoolTest {
    private static final int N = ArrayPool.MIN_ELEMENTS;

    @Test
    void aReleasedArrayServesTheNextAllocationOfItsTypeAndLength() {
        ArrayPool pool = new ArrayPool(1 << 20, false);
        float[] a = new float[N];
        pool.give(DType.FLOAT32, N, a);
        assertEquals(4L * N, pool.heldBytes());
        assertNull(pool.take(DType.FLOAT32, N + 1), "another length");
        assertNull(pool.take(DType.INT32, N), "another dtype of the same byte size");
        assertSame(a, pool.take(DType.FLOAT32, N));
        assertNull(pool.take(DType.FLOAT32, N), "each array is handed out once");
        assertEquals(0, pool.heldBytes());
        assertEquals(1, pool.reusedCount());
    }

    @Test
    void smallArraysAreNotKept() {
        ArrayPool pool = new ArrayPool(1 << 20, false);
        pool.give(DType.FLOAT32, N - 1, new float[N - 1]);
        assertEquals(0, pool.heldBytes());
        assertNull(pool.take(DType.FLOAT32, N - 1));
    }

    @Test
    void theLeastRecentlyUsedSizesAreDroppedToStayWithinCapacity() {
        ArrayPool pool = new ArrayPool(3L * 4 * N, false);
        pool.give(DType.FLOAT32, N, new float[N]);
        pool.give(DType.FLOAT32, 2 * N, new float[2 * N]);
        assertEquals(3L * 4 * N, pool.heldBytes());
        float[] fresh = new float[N];
        pool.give(DType.FLOAT32, N, fresh); // no room: the older 2N size goes, N stays
        assertEquals(2L * 4 * N, pool.heldBytes());
        assertNull(pool.take(DType.FLOAT32, 2 * N));
        assertSame(fresh, pool.take(DType.FLOAT32, N));
        assertTrue(pool.take(DType.FLOAT32, N) != null);
        pool.give(DType.FLOAT32, 4 * N, new float[4 * N]); // larger than the whole pool
        assertEquals(0, pool.heldBytes());
    }

    @Test
    void poisonFillsRecycledArraysSoKernelsCannotRelyOnZeros() {
        ArrayPool pool = new ArrayPool(1 << 20, true);
        pool.give(DType.FLOAT32, N, new float[N]);
        pool.give(DType.INT32, N, new int[N]);
        pool.give(DType.FLOAT64, N, new double[N]);
        float[] f = (float[]) pool.take(DType.FLOAT32, N);
        int[] i = (int[]) pool.take(DType.INT32, N);
        double[] d = (double[]) pool.take(DType.FLOAT64, N);
        assertTrue(Float.isNaN(f[0]) && Float.isNaN(f[N - 1]));
        assertEquals(ArrayPool.INT_POISON, i[N / 2]);
        assertTrue(Double.isNaN(d[N - 1]));
    }

    @Test
    void aNegativeCapacityIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ArrayPool(-1, false));
        assertEquals("array pool capacity must be >= 0 bytes, got -1", e.getMessage());
    }

    @Test
    void theBackendReusesTheArrayOfAClosedBufferAndNeverTwice() {
        CpuBackend backend = new CpuBackend(new CpuBackendProvider().devices().get(0), false);
        DeviceBuffer first = backend.allocate(DType.FLOAT32, N);
        float[] array = ((CpuBuffer) first).floats();
        first.close();
        first.close(); // a second close must not hand the array out twice
        DeviceBuffer second = backend.allocate(DType.FLOAT32, N);
        DeviceBuffer third = backend.allocate(DType.FLOAT32, N);
        assertSame(array, ((CpuBuffer) second).floats());
        assertNotSame(array, ((CpuBuffer) third).floats());
        assertTrue(first.isReleased());
        // the reused buffer works like a new one
        float[] values = new float[N];
        for (int k = 0; k < N; k++) {
            values[k] = k;
        }
        backend.upload(FloatBuffer.wrap(values), second, 0);
        FloatBuffer back = FloatBuffer.allocate(N);
        backend.download(second, 0, back);
        assertEquals(N - 1, back.get(N - 1));
        backend.close();
        assertEquals(0, backend.pool().heldBytes());
    }
}

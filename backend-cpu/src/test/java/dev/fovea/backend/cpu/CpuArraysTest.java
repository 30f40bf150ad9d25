package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.DType;
import dev.fovea.api.backend.Backend;
import dev.fovea.api.backend.DeviceBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;

/** The arrays custom kernels read and write are the buffers themselves. */
class CpuArraysTest {
    private final Backend backend = new CpuBackendProvider().open(0);

    @Test
    void givesTheBackingArrayNotACopy() {
        DeviceBuffer f = backend.allocate(DType.FLOAT32, 3);
        backend.upload(FloatBuffer.wrap(new float[] {1, 2, 3}), f, 0);
        float[] array = CpuArrays.floats(f);
        assertSame(array, CpuArrays.floats(f));
        assertArrayEquals(new float[] {1, 2, 3}, array);
        array[1] = 42; // a kernel's write is what the backend reads next
        FloatBuffer back = FloatBuffer.allocate(3);
        backend.download(f, 0, back);
        assertArrayEquals(new float[] {1, 42, 3}, back.array());

        DeviceBuffer d = backend.allocate(DType.FLOAT64, 2);
        backend.upload(DoubleBuffer.wrap(new double[] {0.5, -1}), d, 0);
        assertArrayEquals(new double[] {0.5, -1}, CpuArrays.doubles(d));
        DeviceBuffer i = backend.allocate(DType.INT32, 2);
        backend.upload(IntBuffer.wrap(new int[] {7, 8}), i, 0);
        assertArrayEquals(new int[] {7, 8}, CpuArrays.ints(i));
        assertTrue(CpuArrays.isCpuBuffer(i));
    }

    @Test
    void rejectsTheWrongDtypeAForeignBufferAndAReleasedOne() {
        DeviceBuffer f = backend.allocate(DType.FLOAT32, 1);
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> CpuArrays.doubles(f));
        assertTrue(wrongType.getMessage().contains("FLOAT32, not FLOAT64"), wrongType.getMessage());

        DeviceBuffer foreign = new DeviceBuffer() {
            @Override
            public DType dtype() {
                return DType.FLOAT32;
            }

            @Override
            public long elements() {
                return 1;
            }

            @Override
            public boolean isReleased() {
                return false;
            }

            @Override
            public void close() {}
        };
        assertFalse(CpuArrays.isCpuBuffer(foreign));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuArrays.floats(foreign));
        assertTrue(e.getMessage().contains("not a buffer of the cpu backend"), e.getMessage());

        f.close();
        assertEquals("CpuArrays: CpuBuffer[FLOAT32 x 1, released] was released",
                assertThrows(IllegalStateException.class, () -> CpuArrays.floats(f)).getMessage());
    }
}

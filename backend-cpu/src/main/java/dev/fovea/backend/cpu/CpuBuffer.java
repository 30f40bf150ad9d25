package dev.fovea.backend.cpu;

import dev.fovea.api.DType;
import dev.fovea.api.backend.DeviceBuffer;

/** A {@link DeviceBuffer} of the CPU backend: one Java array of the buffer's dtype. */
final class CpuBuffer implements DeviceBuffer {
    private final CpuBackend owner;
    private final DType dtype;
    private final int elements;
    private float[] floats;
    private double[] doubles;
    private int[] ints;
    private volatile boolean released;

    /** A buffer over {@code recycled} (an array of the right type and length from the pool) or a new array. */
    CpuBuffer(CpuBackend owner, DType dtype, int elements, Object recycled) {
        this.owner = owner;
        this.dtype = dtype;
        this.elements = elements;
        switch (dtype) {
            case FLOAT32 -> floats = recycled != null ? (float[]) recycled : new float[elements];
            case FLOAT64 -> doubles = recycled != null ? (double[]) recycled : new double[elements];
            case INT32 -> ints = recycled != null ? (int[]) recycled : new int[elements];
            default -> throw new IllegalArgumentException("cpu backend cannot allocate " + dtype);
        }
    }

    CpuBackend owner() {
        return owner;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public boolean isReleased() {
        return released || owner.isClosed();
    }

    @Override
    public void close() {
        Object array;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            array = floats != null ? floats : doubles != null ? doubles : ints;
            floats = null;
            doubles = null;
            ints = null;
        }
        // the array goes back to the backend's pool: nothing may use it through this buffer any more
        owner.recycle(dtype, elements, array);
    }

    /** The backing array of a FLOAT32 buffer. */
    float[] floats() {
        return floats;
    }

    /** The backing array of a FLOAT64 buffer. */
    double[] doubles() {
        return doubles;
    }

    /** The backing array of an INT32 buffer. */
    int[] ints() {
        return ints;
    }

    @Override
    public String toString() {
        return "CpuBuffer[" + dtype + " x " + elements + (released ? ", released" : "") + "]";
    }
}

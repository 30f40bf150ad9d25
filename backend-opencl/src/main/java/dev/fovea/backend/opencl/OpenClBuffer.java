package dev.fovea.backend.opencl;

import dev.fovea.api.DType;
import dev.fovea.api.backend.DeviceBuffer;
import java.lang.ref.Cleaner;
import org.jocl.cl_mem;

/**
 * A device buffer of the OpenCL backend: a pooled {@code cl_mem} seen as {@link #elements()} values of
 * one dtype. {@link #close()} returns the memory to the backend's pool at once; a buffer dropped
 * without closing is returned by a {@link Cleaner} after it becomes unreachable.
 */
final class OpenClBuffer implements DeviceBuffer {
    private final OpenClBackend owner;
    private final DType dtype;
    private final long elements;
    private final OpenClMemory.Slot slot;
    private final Cleaner.Cleanable cleanable;

    OpenClBuffer(OpenClBackend owner, OpenClMemory memory, DType dtype, long elements, OpenClMemory.Slot slot) {
        this.owner = owner;
        this.dtype = dtype;
        this.elements = elements;
        this.slot = slot;
        this.cleanable = memory.watch(this, slot);
    }

    OpenClBackend owner() {
        return owner;
    }

    cl_mem mem() {
        return slot.mem;
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
        return owner.memory().isGone(slot);
    }

    @Override
    public void close() {
        cleanable.clean(); // runs the return-to-pool action at most once
    }

    @Override
    public String toString() {
        return "OpenClBuffer[" + elements + " " + dtype + " on " + owner.device().id() + (isReleased() ? ", released" : "")
                + "]";
    }
}

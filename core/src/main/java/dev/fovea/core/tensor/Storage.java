package dev.fovea.core.tensor;

import dev.fovea.api.backend.DeviceBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device buffer shared by a tensor and all its views. Each tensor holds one reference; the buffer
 * is released when the last one is given back (by {@code close()} or, as a safety net, by the
 * {@link java.lang.ref.Cleaner} when the tensor becomes unreachable).
 */
final class Storage {
    private final DeviceBuffer buffer;
    private final AtomicInteger references = new AtomicInteger();

    Storage(DeviceBuffer buffer) {
        this.buffer = buffer;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    void retain() {
        references.incrementAndGet();
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            buffer.close();
        }
    }

    /** The Cleaner action of one tensor: gives back its reference. Holds no reference to the tensor. */
    static final class Reference implements Runnable {
        private final Storage storage;

        Reference(Storage storage) {
            this.storage = storage;
        }

        @Override
        public void run() {
            storage.release();
        }
    }
}

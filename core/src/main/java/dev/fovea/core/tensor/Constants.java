package dev.fovea.core.tensor;

import dev.fovea.api.DType;
import dev.fovea.api.Shape;
import dev.fovea.core.device.BackendDevice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Scalar constants ({@code 0}, {@code 1}, a learning rate, Adam's betas...) kept on each device and
 * reused. Each is a one-element tensor filled by a kernel. The cache is bounded per device; an
 * evicted constant is not closed (a recorded graph may still read it) but left to the tensor's
 * {@link java.lang.ref.Cleaner}. Constants are never handed to users: every op that uses one returns
 * a new tensor.
 */
final class Constants {
    /** Per device: enough for the handful of values a training loop uses, with room for schedules. */
    static final int CAPACITY = 256;

    private static final Map<BackendDevice, Map<Key, DenseTensor>> CACHES = new WeakHashMap<>();

    private record Key(DType dtype, long bits) {}

    private Constants() {}

    static synchronized DenseTensor get(BackendDevice device, DType dtype, double value) {
        Map<Key, DenseTensor> cache = CACHES.computeIfAbsent(device, d -> new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, DenseTensor> eldest) {
                return size() > CAPACITY;
            }
        });
        // Keyed on the bits: 0.0 and -0.0 (and NaN payloads) stay distinct, as the values they produce may.
        Key key = new Key(dtype, Double.doubleToRawLongBits(value));
        DenseTensor cached = cache.get(key);
        if (cached == null || cached.isClosed()) {
            cached = TensorScope.untrack(DenseTensor.filled(device, dtype, Shape.scalar(), value));
            cache.put(key, cached);
        }
        return cached;
    }

    /** Constants currently cached for {@code device} (for tests). */
    static synchronized int size(BackendDevice device) {
        Map<Key, DenseTensor> cache = CACHES.get(device);
        return cache == null ? 0 : cache.size();
    }
}

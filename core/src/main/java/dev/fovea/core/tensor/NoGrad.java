package dev.fovea.core.tensor;

import java.util.function.Supplier;

/**
 * A scope in which operations record no graph (like {@code torch.no_grad()}): results do not require
 * gradients and hold no references to their inputs. Scopes are per thread and nest.
 *
 * <pre>{@code
 * try (NoGrad scope = NoGrad.enter()) {
 *     Tensor prediction = model.forward(x);   // no graph recorded
 * }
 * Tensor y = NoGrad.run(() -> w.mul(2.0));
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {}

    /** Enters a no-grad scope on this thread; close it (try-with-resources) to leave. */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** Runs {@code body} in a no-grad scope and returns its result. */
    @SuppressWarnings("try") // the scope only brackets the body
    public static <T> T run(Supplier<T> body) {
        try (NoGrad scope = enter()) {
            return body.get();
        }
    }

    /** Whether the current thread is inside a no-grad scope. */
    public static boolean isActive() {
        return DEPTH.get()[0] > 0;
    }

    /** Leaves the scope. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}

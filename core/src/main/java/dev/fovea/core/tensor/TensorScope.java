package dev.fovea.core.tensor;

import dev.fovea.api.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic release of the tensors one piece of work creates: every tensor made on this thread
 * while the scope is open (results, views, intermediates of the graph, gradients flowing through
 * backward) is {@link Tensor#close() closed} when the scope closes, unless it was
 * {@link #keep kept} or is owned elsewhere. The {@link java.lang.ref.Cleaner} stays a safety net;
 * with a scope, device memory goes back to its pool at a point the program chooses.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *     optimizer.zeroGrad();
 *     Tensor loss = Losses.crossEntropy(model.forward(batch.inputs()), batch.labels());
 *     loss.backward();
 *     optimizer.step();
 *     losses.add(loss.item());
 * }   // activations, the loss and every temporary are released here
 * }</pre>
 *
 * <p>What survives a scope: tensors created before it opened (the batch, parameters), tensors passed
 * to {@link #keep} (they move to the enclosing scope, or to none), and tensors whose owner outlives
 * the step and {@link #untrack untracks} them: the gradients that backward leaves on leaves,
 * an optimizer's state, registered parameters and buffers, and core's caches of constants. Anything
 * else a scope created is unusable after it closes: read results to the host (or keep them) first.
 * The {@link dev.fovea.core.train.Trainer Trainer} runs every step and validation batch in a scope.
 *
 * <p>Scopes are per thread and nest; close them innermost first (try-with-resources does).
 * Tensors made on other threads are not tracked.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final Thread thread;
    private final List<DenseTensor> created = new ArrayList<>();
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static TensorScope open() {
        TensorScope scope = new TensorScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Whether a scope is open on this thread. */
    public static boolean isActive() {
        return CURRENT.get() != null;
    }

    /** Records a new tensor with the current scope of this thread, if any. */
    static void track(DenseTensor tensor) {
        TensorScope scope = CURRENT.get();
        if (scope != null) {
            tensor.scope = scope;
            scope.created.add(tensor);
        }
    }

    /**
     * Lets {@code tensor} outlive this scope: it moves to the enclosing scope (which releases it in
     * turn) or, at the outermost scope, to no scope at all (its holder closes it, or the Cleaner).
     * A tensor this scope did not create is returned unchanged.
     */
    public <T extends Tensor> T keep(T tensor) {
        if (tensor instanceof DenseTensor d && d.scope == this) {
            d.scope = parent;
            if (parent != null) {
                parent.created.add(d);
            }
        }
        return tensor;
    }

    /**
     * Takes {@code tensor} out of every scope: whoever holds it (a cache, an optimizer's state, a
     * layer) owns it from now on and closes it. Returns it.
     */
    public static <T extends Tensor> T untrack(T tensor) {
        if (tensor instanceof DenseTensor d) {
            d.scope = null;
        }
        return tensor;
    }

    /**
     * Closes every tensor this scope still owns, newest first, and makes the enclosing scope current.
     * Closes scopes nested in this one first, if they are still open. Idempotent.
     *
     * @throws IllegalStateException when called from another thread than the one that opened it
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it ("
                    + thread.getName() + "), not on " + Thread.currentThread().getName());
        }
        TensorScope current = CURRENT.get();
        while (current != null && current != this) {
            current.close();
            current = CURRENT.get();
        }
        closed = true;
        if (parent == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(parent);
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            DenseTensor t = created.get(i);
            if (t.scope == this) {
                t.scope = null;
                t.close();
            }
        }
        created.clear();
    }
}

package dev.fovea.core.tensor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fovea.api.Device;
import dev.fovea.api.Tensor;
import dev.fovea.core.device.Devices;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TensorScopeTest {
    private static final Device CPU = Devices.get("cpu");

    private static DenseTensor vector(float... v) {
        return Tensors.of(CPU, v, v.length);
    }

    @Test
    void closesWhatItCreatedAndNothingElse() {
        DenseTensor before = vector(1, 2, 3);
        DenseTensor inside;
        DenseTensor view;
        DenseTensor kept;
        DenseTensor untracked;
        try (TensorScope scope = TensorScope.open()) {
            assertTrue(TensorScope.isActive());
            inside = before.mul(2.0);
            view = before.reshape(3, 1);                  // a view: closing it leaves the storage to `before`
            kept = scope.keep(inside.add(1.0));
            untracked = TensorScope.untrack(inside.sub(1.0));
        }
        assertFalse(TensorScope.isActive());
        assertTrue(inside.isClosed() && view.isClosed());
        assertFalse(before.isClosed() || kept.isClosed() || untracked.isClosed());
        assertTrue(java.util.Arrays.equals(new float[] {1, 2, 3}, before.toFloatArray()), "the base is intact");
        assertTrue(java.util.Arrays.equals(new float[] {3, 5, 7}, kept.toFloatArray()));
        kept.close();
        untracked.close();
    }

    @Test
    void keptTensorsMoveToTheEnclosingScope() {
        DenseTensor kept;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                kept = inner.keep(vector(1));
            }
            assertFalse(kept.isClosed(), "the inner scope let it go");
        }
        assertTrue(kept.isClosed(), "the outer scope closed it");
    }

    @Test
    void backwardLeavesTheGradientsAndReleasesTheGraph() {
        DenseTensor w = vector(1, 2).requiresGrad(true);
        DenseTensor loss;
        try (TensorScope scope = TensorScope.open()) {
            loss = w.mul(w).sum();
            loss.backward();
        }
        assertTrue(loss.isClosed());
        assertNotNull(w.grad());
        assertFalse(w.grad().isClosed(), "the leaf owns its gradient");
        assertTrue(java.util.Arrays.equals(new float[] {2, 4}, w.grad().toFloatArray()));
    }

    @Test
    void closingAnOuterScopeClosesTheInnerOnesAndOtherThreadsAreRefused() throws Exception {
        TensorScope outer = TensorScope.open();
        TensorScope inner = TensorScope.open();
        DenseTensor t = vector(1);
        AtomicReference<Throwable> elsewhere = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                outer.close();
            } catch (Throwable e) {
                elsewhere.set(e);
            }
        });
        other.start();
        other.join();
        assertSame(IllegalStateException.class, elsewhere.get().getClass());
        outer.close();
        assertTrue(t.isClosed());
        assertFalse(TensorScope.isActive());
        inner.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> t.toFloatArray());
    }
}

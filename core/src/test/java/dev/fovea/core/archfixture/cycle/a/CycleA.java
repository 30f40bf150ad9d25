package dev.fovea.core.archfixture.cycle.a;

import dev.fovea.core.archfixture.cycle.b.CycleB;

/** Half of a deliberate package cycle: a -> b. */
public final class CycleA {
    public CycleB partner() {
        return new CycleB();
    }
}

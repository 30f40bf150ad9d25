package dev.fovea.core.archfixture.cycle.b;

import dev.fovea.core.archfixture.cycle.a.CycleA;

/** Half of a deliberate package cycle: b -> a. */
public final class CycleB {
    public CycleA partner() {
        return new CycleA();
    }
}

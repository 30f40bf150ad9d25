package dev.fovea.backend.cpu.archfixture.cycle.a;

import dev.fovea.backend.cpu.archfixture.cycle.b.CycleB;

/** Half of a deliberate package cycle: a -> b. */
public final class CycleA {
    public CycleB partner() {
        return new CycleB();
    }
}

package dev.fovea.backend.cpu.archfixture.cycle.b;

import dev.fovea.backend.cpu.archfixture.cycle.a.CycleA;

/** Half of a deliberate package cycle: b -> a. */
public final class CycleB {
    public CycleA partner() {
        return new CycleA();
    }
}

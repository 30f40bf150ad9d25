package dev.fovea.backend.opencl.archfixture.cycle.b;

import dev.fovea.backend.opencl.archfixture.cycle.a.CycleA;

/** Half of a deliberate package cycle: b -> a. */
public final class CycleB {
    public CycleA partner() {
        return new CycleA();
    }
}

package dev.fovea.backend.cpu;

/** Run in a child JVM by {@link SimdSelectionTest}: prints what a default-configured backend runs with. */
final class SimdProbe {
    private SimdProbe() {}

    public static void main(String[] args) {
        System.out.println(new CpuBackend(new CpuBackendProvider().devices().get(0)).kernelDescription());
    }
}

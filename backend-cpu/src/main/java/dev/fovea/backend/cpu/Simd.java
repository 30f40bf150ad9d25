package dev.fovea.backend.cpu;

import java.util.Locale;

/**
 * Whether the CPU backend uses SIMD kernels written with the Vector API ({@code jdk.incubator.vector}).
 * They are used when the JVM was started with {@code --add-modules jdk.incubator.vector} and not
 * switched off with {@code -Dfovea.cpu.simd=false} (or {@code FOVEA_CPU_SIMD=false}); otherwise the
 * portable scalar kernels run. Classes that use the Vector API are only loaded through
 * {@link VectorKernels}, and only when it is present.
 */
final class Simd {
    /** System property that switches the Vector API kernels off when {@code false}. */
    static final String PROPERTY = "fovea.cpu.simd";
    /** Environment variable read when the property is not set. */
    static final String ENVIRONMENT = "FOVEA_CPU_SIMD";
    /** The incubator module holding the Vector API. */
    static final String MODULE = "jdk.incubator.vector";

    private Simd() {}

    /** Whether the Vector API module is in the boot layer. */
    static boolean modulePresent() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** Whether the user left SIMD on (property, then environment; on unless "false"/"off"/"0"). */
    static boolean requested() {
        String v = System.getProperty(PROPERTY);
        if (v == null) {
            v = System.getenv(ENVIRONMENT);
        }
        return requested(v);
    }

    static boolean requested(String setting) {
        if (setting == null) {
            return true;
        }
        String s = setting.trim().toLowerCase(Locale.ROOT);
        return !(s.equals("false") || s.equals("off") || s.equals("0") || s.equals("no"));
    }

    /** Whether the Vector API kernels will be used by a backend opened now. */
    static boolean enabled() {
        return requested() && modulePresent();
    }
}

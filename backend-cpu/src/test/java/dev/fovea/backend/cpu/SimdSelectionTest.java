package dev.fovea.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the backend picks its kernels and thread count, and that the Vector API stays isolated. */
class SimdSelectionTest {

    @Test
    void simdIsOnUnlessSwitchedOff() {
        assertTrue(Simd.requested(null));
        assertTrue(Simd.requested("true"));
        assertFalse(Simd.requested("false"));
        assertFalse(Simd.requested(" OFF "));
        assertFalse(Simd.requested("0"));
    }

    @Test
    void thePropertySwitchesTheVectorKernelsOff() {
        String old = System.getProperty(Simd.PROPERTY);
        try {
            System.setProperty(Simd.PROPERTY, "false");
            CpuBackend b = new CpuBackend(new CpuBackendProvider().devices().get(0));
            assertFalse(b.usesSimd());
            assertTrue(b.kernelDescription().startsWith("scalar"), b.kernelDescription());
        } finally {
            restore(Simd.PROPERTY, old);
        }
        assertTrue(new CpuBackend(new CpuBackendProvider().devices().get(0)).usesSimd());
    }

    @Test
    void thePropertySetsTheThreadCount() {
        String old = System.getProperty(Kernels.THREADS_PROPERTY);
        try {
            System.setProperty(Kernels.THREADS_PROPERTY, "3");
            assertEquals(3, new CpuBackend(new CpuBackendProvider().devices().get(0)).threads());
            System.setProperty(Kernels.THREADS_PROPERTY, "zero");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Kernels::configuredThreads);
            assertTrue(e.getMessage().contains("fovea.cpu.threads=zero"), e.getMessage());
        } finally {
            restore(Kernels.THREADS_PROPERTY, old);
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), Kernels.configuredThreads());
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }

    /** A JVM without the module gets the scalar kernels (and never loads a Vector API class). */
    @Test
    void aJvmWithoutTheVectorModuleFallsBackToScalarKernels() throws Exception {
        assertTrue(probe(false).startsWith("scalar"), probe(false));
        assertTrue(probe(true).startsWith("Vector API"), probe(true));
    }

    private static String probe(boolean withModule) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (withModule) {
            command.add("--add-modules");
            command.add(Simd.MODULE);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SimdProbe.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return out;
    }

    /** Only the Vector API kernels themselves import jdk.incubator.vector. */
    @Test
    void onlyTheVectorKernelsUseTheIncubatorModule() {
        JavaClasses production = CpuBackendArchitectureTest.PRODUCTION;
        ArchRule rule = ArchRuleDefinition.noClasses()
                .that().haveSimpleNameNotEndingWith("VectorKernel")
                .should().dependOnClassesThat().resideInAPackage("jdk.incubator.vector..")
                .because("the Vector API may be absent: only classes loaded through VectorKernels may use it");
        rule.check(production);
        assertTrue(production.stream().anyMatch(c -> c.getSimpleName().equals("FloatVectorKernel")));
    }
}

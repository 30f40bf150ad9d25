package dev.fovea.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relaunch also preloads libjsig where OpenCL may be used (PoCL's SIGFPE handler; docs/opencl.md). */
class JsigPreloadTest {

    @Test
    void argumentsThatMayCreateAnOpenClContext() {
        for (String[] args : List.of(
                new String[] {"train", "--device", "opencl"},
                new String[] {"train", "--device=opencl:1", "--epochs", "1"},
                new String[] {"swap", "--from", "cpu", "--to", "OpenCL"},
                new String[] {"backends"},
                new String[] {"--json", "backends"},
                new String[] {"tour", "--out", "x"},
                new String[] {})) {
            assertTrue(VectorModuleRelauncher.mayUseOpenCl(args), String.join(" ", args));
        }
        for (String[] args : List.of(
                new String[] {"train", "--device", "cpu"},
                new String[] {"--device", "cpu", "peaks"},
                new String[] {"--version"},
                new String[] {"learn-filter", "--json"},
                new String[] {"swap", "--to", "cpu"})) {
            assertFalse(VectorModuleRelauncher.mayUseOpenCl(args), String.join(" ", args));
        }
    }

    @Test
    void libjsigGoesInFrontOfAnExistingPreload() {
        Path jsig = VectorModuleRelauncher.jsigLibrary();
        assertEquals(Path.of(System.getProperty("java.home"), "lib", "libjsig.so"), jsig);
        assertTrue(Files.isRegularFile(jsig), "the JDK ships " + jsig);
        assertEquals(jsig.toString(), VectorModuleRelauncher.preload(jsig, null));
        assertEquals(jsig + ":/opt/other.so", VectorModuleRelauncher.preload(jsig, "/opt/other.so"));
        assertTrue(VectorModuleRelauncher.jsigPreloaded("/usr/lib/jvm/x/lib/libjsig.so"));
        assertFalse(VectorModuleRelauncher.jsigPreloaded(null));
        assertFalse(VectorModuleRelauncher.jsigPreloaded("/opt/other.so"));
    }

    @Test
    void testJvmsAlreadyHaveLibjsigSoNothingIsRelaunchedForIt() {
        // Surefire starts test JVMs with LD_PRELOAD=${java.home}/lib/libjsig.so (parent pom).
        assertTrue(VectorModuleRelauncher.jsigPreloaded(System.getenv("LD_PRELOAD")), System.getenv("LD_PRELOAD"));
        assertFalse(VectorModuleRelauncher.shouldPreloadJsig(new String[] {"--device", "opencl"}, true));
    }

    @Test
    void aRelaunchForLibjsigAloneAddsNoModule() {
        List<String> command = VectorModuleRelauncher.command(new String[] {"backends"}, false);
        assertFalse(command.subList(1, 3).equals(List.of("--add-modules", "jdk.incubator.vector")), command.toString());
        assertEquals("backends", command.get(command.size() - 1));
    }
}

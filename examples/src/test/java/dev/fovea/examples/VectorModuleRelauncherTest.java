package dev.fovea.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VectorModuleRelauncherTest {

    @Test
    void aJvmThatHasTheModuleIsNotRelaunched() {
        // surefire starts the tests with --add-modules jdk.incubator.vector
        assertTrue(ModuleLayer.boot().findModule(VectorModuleRelauncher.MODULE).isPresent());
        assertFalse(VectorModuleRelauncher.shouldRelaunch());
    }

    @Test
    void theChildIsTheSameJavaWithTheModuleTheSameOptionsAndArguments() {
        List<String> command = VectorModuleRelauncher.command(new String[] {"train", "--epochs", "1"});
        assertEquals(ProcessHandle.current().info().command().orElseThrow(), command.get(0));
        assertEquals(List.of("--add-modules", "jdk.incubator.vector"), command.subList(1, 3));
        assertTrue(command.containsAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        int cp = command.indexOf("-cp");
        assertTrue(cp > 0, command.toString());
        assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
        assertEquals(FoveaMain.class.getName(), command.get(cp + 2));
        assertEquals(List.of("train", "--epochs", "1"), command.subList(command.size() - 3, command.size()));
    }
}

package dev.fovea.examples;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gives {@code java -jar fovea.jar} the CPU backend's SIMD kernels without extra flags. They need the
 * incubator module {@code jdk.incubator.vector}, which a jar manifest cannot add; so when the module
 * is missing from this JVM but present in its runtime, {@link #relaunchIfNeeded} starts the same
 * {@code java} again with {@code --add-modules jdk.incubator.vector}, the same JVM options, class path
 * or jar, and arguments, passes the terminal through, and exits with the child's exit code.
 *
 * <p>Nothing happens when the module is already there, when the runtime lacks it, in the relaunched
 * child ({@code FOVEA_RELAUNCHED=1}), or when switched off with {@code -Dfovea.relaunch=false},
 * {@code FOVEA_RELAUNCH=false} or by turning SIMD off ({@code -Dfovea.cpu.simd=false},
 * {@code FOVEA_CPU_SIMD=false}). The child's JDK prints "WARNING: Using incubator modules:
 * jdk.incubator.vector" on standard error; that line is expected.
 */
public final class VectorModuleRelauncher {
    static final String MODULE = "jdk.incubator.vector";
    static final String CHILD_MARKER = "FOVEA_RELAUNCHED";

    private VectorModuleRelauncher() {}

    /** Relaunches with the module and exits with the child's code, or returns when no relaunch is due. */
    public static void relaunchIfNeeded(String[] args) {
        if (!shouldRelaunch()) {
            return;
        }
        List<String> command = command(args);
        if (command == null) {
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().put(CHILD_MARKER, "1");
            Process child = pb.start();
            Thread stopChild = new Thread(child::destroy, "fovea-relaunch-stop");
            Runtime.getRuntime().addShutdownHook(stopChild);
            int code = waitFor(child);
            Runtime.getRuntime().removeShutdownHook(stopChild);
            System.exit(code);
        } catch (IOException e) {
            System.err.println("fovea: could not restart java with --add-modules " + MODULE + " (" + e.getMessage()
                    + "); continuing with the scalar CPU kernels");
        }
    }

    private static int waitFor(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                child.destroy();
            }
        }
    }

    static boolean shouldRelaunch() {
        if (ModuleLayer.boot().findModule(MODULE).isPresent() || System.getenv(CHILD_MARKER) != null) {
            return false;
        }
        if (off(System.getProperty("fovea.relaunch"), System.getenv("FOVEA_RELAUNCH"))
                || off(System.getProperty("fovea.cpu.simd"), System.getenv("FOVEA_CPU_SIMD"))) {
            return false;
        }
        return ModuleFinder.ofSystem().find(MODULE).isPresent();
    }

    private static boolean off(String property, String environment) {
        String v = property != null ? property : environment;
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("false") || s.equals("off") || s.equals("0") || s.equals("no");
    }

    /** The child's command line, or null when this JVM's launch cannot be reproduced. */
    static List<String> command(String[] args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path", "");
        String launch = System.getProperty("sun.java.command", "");
        if (classPath.isEmpty()) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("--add-modules");
        command.add(MODULE);
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        boolean jar = classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
                && launch.startsWith(classPath);
        if (jar) {
            command.add("-jar");
            command.add(classPath);
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(FoveaMain.class.getName());
        }
        command.addAll(List.of(args));
        return command;
    }
}

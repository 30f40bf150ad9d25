package dev.fovea.examples;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
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
 *
 * <p><b>OpenCL and libjsig.</b> Once PoCL (OpenCL on the CPU) has created a context, its SIGFPE
 * handler makes Java's integer division by zero stop throwing {@code ArithmeticException}, unless
 * the JVM's signal-chaining library {@code ${java.home}/lib/libjsig.so} is preloaded (see
 * docs/opencl.md). So the child also gets {@code LD_PRELOAD=.../libjsig.so} (kept in front of any
 * existing {@code LD_PRELOAD}) when this JVM lacks it; and when no relaunch is due for the module but
 * the arguments may create an OpenCL context (a device or option naming {@code opencl}, the
 * {@code backends} and {@code tour} commands, or {@code -Dfovea.backend}/{@code FOVEA_BACKEND}
 * naming it), the relaunch happens for libjsig alone. Where no relaunch is possible or allowed, a
 * one-line warning on standard error gives the command to use.
 */
public final class VectorModuleRelauncher {
    static final String MODULE = "jdk.incubator.vector";
    static final String CHILD_MARKER = "FOVEA_RELAUNCHED";
    static final String PRELOAD = "LD_PRELOAD";

    private VectorModuleRelauncher() {}

    /** Relaunches with the module and exits with the child's code, or returns when no relaunch is due. */
    public static void relaunchIfNeeded(String[] args) {
        boolean module = shouldRelaunch();
        boolean jsig = shouldPreloadJsig(args, module);
        if (!module && !jsig) {
            warnIfOpenClWithoutJsig(args);
            return;
        }
        List<String> command = command(args, module);
        if (command == null) {
            warnIfOpenClWithoutJsig(args);
            return;
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
            pb.environment().put(CHILD_MARKER, "1");
            if (jsig) {
                pb.environment().put(PRELOAD, preload(jsigLibrary(), System.getenv(PRELOAD)));
            }
            Process child = pb.start();
            Thread stopChild = new Thread(child::destroy, "fovea-relaunch-stop");
            Runtime.getRuntime().addShutdownHook(stopChild);
            int code = waitFor(child);
            Runtime.getRuntime().removeShutdownHook(stopChild);
            System.exit(code);
        } catch (IOException e) {
            System.err.println("fovea: could not restart java" + (module ? " with --add-modules " + MODULE : "")
                    + (jsig ? " with " + PRELOAD + "=" + jsigLibrary() : "") + " (" + e.getMessage() + "); continuing"
                    + (module ? " with the scalar CPU kernels" : ""));
            warnIfOpenClWithoutJsig(args);
        }
    }

    /** The JVM's signal-chaining library, {@code ${java.home}/lib/libjsig.so}. */
    static Path jsigLibrary() {
        return Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
    }

    /** Whether {@code LD_PRELOAD} of this process already holds libjsig. */
    static boolean jsigPreloaded(String preload) {
        return preload != null && preload.contains("libjsig");
    }

    /** {@code LD_PRELOAD} with libjsig in front of what was there. */
    static String preload(Path jsig, String existing) {
        return existing == null || existing.isBlank() ? jsig.toString() : jsig + ":" + existing;
    }

    /**
     * Whether the child should get libjsig: it is missing here, the runtime has it, relaunching is
     * allowed, and either a relaunch happens anyway or the arguments may create an OpenCL context.
     */
    static boolean shouldPreloadJsig(String[] args, boolean relaunchingAnyway) {
        if (System.getenv(CHILD_MARKER) != null
                || off(System.getProperty("fovea.relaunch"), System.getenv("FOVEA_RELAUNCH"))
                || jsigPreloaded(System.getenv(PRELOAD)) || !Files.isRegularFile(jsigLibrary())) {
            return false;
        }
        return relaunchingAnyway || mayUseOpenCl(args);
    }

    /**
     * Whether a run with these arguments may create an OpenCL context: an argument naming
     * {@code opencl} ({@code --device opencl:1}, {@code --to opencl}), the {@code backends} or
     * {@code tour} command (both ask every backend whether it is available, which builds OpenCL's
     * program), no command at all (the tour), or the default backend set to OpenCL by
     * {@code -Dfovea.backend} or {@code FOVEA_BACKEND}.
     */
    static boolean mayUseOpenCl(String[] args) {
        String configured = System.getProperty("fovea.backend", System.getenv("FOVEA_BACKEND"));
        if (configured != null && configured.toLowerCase(Locale.ROOT).contains("opencl")) {
            return true;
        }
        for (String a : args) {
            if (a.toLowerCase(Locale.ROOT).contains("opencl")) {
                return true;
            }
        }
        String command = null;
        boolean helpOrVersion = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) {
                helpOrVersion = true;
            } else if (a.startsWith("-")) {
                if (!a.contains("=") && !a.equals("--json") && i + 1 < args.length) {
                    i++; // the option's value
                }
            } else if (command == null) {
                command = a;
            }
        }
        if (command == null) {
            return !helpOrVersion;
        }
        return command.equals("backends") || command.equals("tour");
    }

    /** Without libjsig, prints one line saying how to start fovea when these arguments may use OpenCL. */
    static void warnIfOpenClWithoutJsig(String[] args) {
        if (!jsigPreloaded(System.getenv(PRELOAD)) && Files.isRegularFile(jsigLibrary()) && mayUseOpenCl(args)) {
            System.err.println("fovea: warning: OpenCL on PoCL breaks Java's division by zero unless the JVM's "
                    + "libjsig is preloaded; start fovea as: " + PRELOAD + "=" + preload(jsigLibrary(),
                    System.getenv(PRELOAD)) + " java -jar fovea.jar ...");
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

    /** The child's command line, with the module, or null when this JVM's launch cannot be reproduced. */
    static List<String> command(String[] args) {
        return command(args, true);
    }

    /** The child's command line, with or without the module, or null when this JVM's launch cannot be reproduced. */
    static List<String> command(String[] args, boolean addModule) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classPath = System.getProperty("java.class.path", "");
        String launch = System.getProperty("sun.java.command", "");
        if (classPath.isEmpty()) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        if (addModule) {
            command.add("--add-modules");
            command.add(MODULE);
        }
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

package dev.fovea.examples;

import dev.fovea.examples.cli.FoveaCommand;

/** Entry point of {@code java -jar fovea.jar}: runs the {@code fovea} command and exits with its code. */
public final class FoveaMain {
    private FoveaMain() {}

    public static void main(String[] args) {
        VectorModuleRelauncher.relaunchIfNeeded(args); // SIMD CPU kernels for `java -jar` (performance)
        System.exit(FoveaCommand.commandLine().execute(args));
    }
}

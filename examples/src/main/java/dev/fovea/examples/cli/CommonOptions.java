package dev.fovea.examples.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every {@code fovea} command accepts, before or after the command name
 * ({@code fovea --json peaks} and {@code fovea peaks --json} mean the same).
 *
 * <p>Mixed into the top command and every subcommand under the name {@value #NAME}; whichever
 * copy picocli fills, the value lands in the top command's copy, which all commands read.
 */
public final class CommonOptions {
    /** The mixin name each command uses for these options. */
    public static final String NAME = "common";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private boolean json;
    private String device;

    @Option(names = "--json",
            description = "Print one JSON object as the last line of standard output instead of text.")
    void setJson(boolean json) {
        if (json) { // picocli may reset options to their default; never undo a --json seen earlier
            shared().json = true;
        }
    }

    @Option(names = "--device", paramLabel = "NAME",
            description = "Run on this device and make it the default, e.g. cpu, opencl or opencl:1 "
                    + "(default: -Dfovea.backend, FOVEA_BACKEND, else the best available backend).")
    void setDevice(String device) {
        if (device != null) {
            shared().device = device;
        }
    }

    /** Whether {@code --json} was given anywhere on the command line. */
    public boolean json() {
        return shared().json;
    }

    /** The {@code --device} name, or {@code null} when none was given. */
    public String device() {
        return shared().device;
    }

    private CommonOptions shared() {
        if (mixee == null) {
            return this;
        }
        CommandSpec rootMixin = mixee.root().mixins().get(NAME);
        if (rootMixin != null && rootMixin.userObject() instanceof CommonOptions root) {
            return root;
        }
        return this;
    }
}

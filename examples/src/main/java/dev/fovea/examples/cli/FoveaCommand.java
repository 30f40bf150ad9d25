package dev.fovea.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top command, {@code fovea}. Without a subcommand it runs {@code tour}.
 *
 * <p>Exit codes: 0 success, 1 an unexpected failure, 2 a usage error (bad option, bad value,
 * unknown or unavailable device, a data set whose files are missing).
 */
@Command(name = "fovea", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Fovea: deep learning on the JVM, and the answer to 'how are the numbers in a convolution filter decided?'",
            "Without a command, runs the tour."
        },
        subcommands = {TourCommand.class, PeaksCommand.class, LearnFilterCommand.class, TrainCommand.class, SwapCommand.class,
            BackendsCommand.class, BenchCommand.class, EvalCommand.class, InspectCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error (bad option or value, unknown device, missing"
                + " data set)."})
public final class FoveaCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin(name = CommonOptions.NAME)
    private CommonOptions common;

    /** A ready command line: subcommands, error handlers, {@code --json}-aware usage errors. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new FoveaCommand());
        commandLine.setParameterExceptionHandler(new ErrorHandlers.UsageErrors());
        commandLine.setExecutionExceptionHandler(new ErrorHandlers.Failures());
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        CommandLine tour = spec.subcommands().get("tour");
        return ((TourCommand) tour.getCommand()).call();
    }
}

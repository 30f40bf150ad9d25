package dev.fovea.examples.cli;

import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * How {@code fovea} reports errors: the message on standard error, prefixed with the command;
 * with {@code --json} also a JSON object {@code {"error": ..., "exitCode": ...}} as the last line
 * of standard output, so that scripts always find one.
 */
final class ErrorHandlers {
    private ErrorHandlers() {}

    /** Usage errors (picocli's and our own validation): exit code 2, a hint instead of the whole help. */
    static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine commandLine = ex.getCommandLine();
            PrintWriter err = commandLine.getErr();
            String command = commandLine.getCommandSpec().qualifiedName();
            err.println(command + ": " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + command + " --help' for the options.");
            err.flush();
            int exitCode = commandLine.getCommandSpec().exitCodeOnInvalidInput();
            if (Arrays.asList(args).contains("--json")) {
                printJsonError(commandLine, ex.getMessage(), exitCode);
            }
            return exitCode;
        }
    }

    /** Anything else a command throws: exit code 1 with the message; the stack trace with -Dfovea.debug=true. */
    static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
            PrintWriter err = commandLine.getErr();
            err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + ex);
            if (Boolean.getBoolean("fovea.debug")) {
                ex.printStackTrace(err);
            } else {
                err.println("(run with -Dfovea.debug=true for the stack trace)");
            }
            err.flush();
            int exitCode = commandLine.getCommandSpec().exitCodeOnExecutionException();
            if (parseResult.expandedArgs().contains("--json")) {
                printJsonError(commandLine, String.valueOf(ex), exitCode);
            }
            return exitCode;
        }
    }

    private static void printJsonError(CommandLine commandLine, String message, int exitCode) {
        JsonObject json = Json.forCommand(commandLine.getCommandName());
        json.addProperty("error", message);
        json.addProperty("exitCode", exitCode);
        Json.print(commandLine.getOut(), json);
    }
}

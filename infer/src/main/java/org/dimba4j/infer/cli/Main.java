package org.dimba4j.infer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dimba} command. Logs and progress go to stderr; stdout carries only what a verb prints. */
@Command(name = "dimba", mixinStandardHelpOptions = true, version = "dimba4j 0.1.0",
        description = "Dimba text-to-image diffusion in pure Java.",
        subcommands = {
                CommandLine.HelpCommand.class,
                InspectCommand.class,
                ConvertCommand.class,
                TokenizeCommand.class,
                NoiseCommand.class,
                DevicesCommand.class,
                GenerateCommand.class,
                ForwardCommand.class,
                GradCommand.class,
                ImportOfficialCommand.class,
                TrainCommand.class,
                OptimizerStepsCommand.class,
                CacheCommand.class,
                InitModelCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            line.getErr().println("dimba: error: " + msg);
            if (System.getenv("DIMBA_DEBUG") != null) ex.printStackTrace(line.getErr());
            return 1;
        });
        // bad flags and values: one line naming the problem (exit 2, picocli's usage-error code), not the whole usage text
        cl.setParameterExceptionHandler((ex, args) -> {
            String verb = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println("dimba: error: " + ex.getMessage()
                    + " (see 'dimba " + ("dimba".equals(verb) ? "" : verb + " ") + "--help')");
            return 2;
        });
        return cl;
    }
}

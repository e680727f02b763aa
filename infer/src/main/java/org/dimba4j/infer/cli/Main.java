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
                GenerateBatchCommand.class,
                ForwardCommand.class,
                GradCommand.class,
                ImportOfficialCommand.class,
                TrainCommand.class,
                OptimizerStepsCommand.class,
                CacheCommand.class,
                InitModelCommand.class,
                TrainVaeCommand.class,
                GridCommand.class,
                DatasetCommand.class,
                EvalCommand.class,
                LossProfileCommand.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        CliLogging.install(System.getenv("DIMBA_DEBUG") != null);
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) { // thrown outside a verb's run (picocli passes Errors through)
            System.err.println("dimba: error: " + Cli.message(e));
            code = Cli.FAILURE;
        }
        System.exit(code);
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // one rule (Cli): usage errors exit 2, failures of the work exit 1; both print one line
        for (SubcommandProvider p : java.util.ServiceLoader.load(SubcommandProvider.class)) cl.addSubcommand(p.command());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            line.getErr().println("dimba: error: " + Cli.message(ex));
            if (System.getenv("DIMBA_DEBUG") != null) ex.printStackTrace(line.getErr());
            return Cli.exitCode(ex);
        });
        // picocli lets Errors through its handlers: an OutOfMemoryError gets the same one line, with advice
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cl.setExecutionStrategy(parseResult -> {
            try {
                return runLast.execute(parseResult);
            } catch (OutOfMemoryError e) {
                parseResult.commandSpec().commandLine().getErr().println("dimba: error: " + Cli.message(e));
                return Cli.FAILURE;
            }
        });
        // bad flags and values: one line naming the problem, not the whole usage text
        cl.setParameterExceptionHandler((ex, args) -> {
            String verb = ex.getCommandLine().getCommandName();
            ex.getCommandLine().getErr().println("dimba: error: " + ex.getMessage()
                    + " (see 'dimba " + ("dimba".equals(verb) ? "" : verb + " ") + "--help')");
            return Cli.USAGE;
        });
        return cl;
    }
}

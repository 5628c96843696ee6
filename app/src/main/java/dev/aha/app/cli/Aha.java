package dev.aha.app.cli;

import com.typesafe.config.ConfigException;
import dev.aha.actors.run.TrainingFailed;
import dev.aha.runtime.sandbox.SandboxUnavailableException;
import dev.aha.runtime.task.JsonlFormatException;
import dev.aha.runtime.tokenizer.TokenizerLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code aha} command line. */
@Command(
        name = "aha",
        mixinStandardHelpOptions = true,
        versionProvider = Aha.Version.class,
        description = "Aha: an actor-based, asynchronous GRPO runtime for the JVM.",
        subcommands = {TrainCommand.class, SeedCommand.class, JoinCommand.class, SftCommand.class, EvalCommand.class,
            ScoreCommand.class, SampleCommand.class, RejectCommand.class, DistillCommand.class, PipelineCommand.class,
            TokenizeCommand.class, InitModelCommand.class, GenerateCommand.class,
            ExportCommand.class, ConfigCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Aha {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command tree; tests execute it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Aha());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(Aha::reportUserError);
        return cli;
    }

    /**
     * Bad input (a missing file, a malformed line, an invalid setting) is the user's to fix: say what and where in
     * one line, exit 1, no stack trace. Anything else is a bug and keeps its stack trace.
     */
    private static int reportUserError(Exception e, CommandLine cli, CommandLine.ParseResult parsed) throws Exception {
        if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException
                || e instanceof IOException || e instanceof JsonlFormatException
                || e instanceof ConfigException
                || e instanceof TokenizerLoadException || e instanceof SandboxUnavailableException) {
            cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        if (e instanceof TrainingFailed) { // a failed actor's stack trace is already in the log, where it failed
            cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": training failed: " + e.getMessage());
            return 2;
        }
        throw e;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Aha.class.getPackage().getImplementationVersion();
            return new String[] {"aha " + (v == null ? "dev" : v)};
        }
    }
}

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
            TokenizeCommand.class, InitModelCommand.class, GenerateCommand.class, ServeCommand.class,
            ExportCommand.class, ConfigCommand.class, BenchCommand.class, DashboardCommand.class, RmCommand.class,
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
        cli.setParameterExceptionHandler(Aha::reportBadArguments);
        return cli;
    }

    /**
     * A command line that does not parse (an unknown or misspelt option, a missing or malformed value) is one line
     * too, with picocli's suggestion if it has one and where to read more, and exit code 2; the usage is a --help
     * away rather than forty lines that push the error off the screen.
     */
    private static int reportBadArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String name = cli.getCommandSpec().qualifiedName();
        String suggestion = "";
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            suggestion = " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
        }
        cli.getErr().println(name + ": " + e.getMessage() + suggestion + "; see '" + name + " --help'");
        return cli.getCommandSpec().exitCodeOnInvalidInput();
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

package dev.aha.app.cli;

import dev.aha.runtime.task.BadLinePolicy;
import picocli.CommandLine.Option;

/** {@code --on-bad-line}: what a command that reads JSON Lines does with a line it cannot use. */
final class BadLineOption {

    @Option(names = "--on-bad-line", paramLabel = "POLICY", defaultValue = "STOP",
            description = "STOP at the first unusable line, naming it (default), or SKIP and count such lines.")
    BadLinePolicy policy;
}

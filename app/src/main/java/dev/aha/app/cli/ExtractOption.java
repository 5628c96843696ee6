package dev.aha.app.cli;

import dev.aha.runtime.reward.ExtractMode;
import picocli.CommandLine.Option;

/** {@code --extract MODE}: where the final answer is found, over aha.reward.extract. */
final class ExtractOption {

    @Option(names = "--extract", paramLabel = "MODE", description = "Where the final answer is found: strict "
            + "(<answer>, \\boxed{}, '#### n', 'the answer is') or flexible (also 'Answer: n', a bold or '= n' "
            + "last line, the last number). Default: aha.reward.extract (strict).")
    String extract;

    boolean given() {
        return extract != null;
    }

    /** The mode given, or null for aha.reward.extract's. */
    ExtractMode mode() {
        return extract == null ? null : ExtractMode.parse(extract, "--extract");
    }
}

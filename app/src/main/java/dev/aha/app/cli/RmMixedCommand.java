package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.rm.MixedDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha rm mixed}: a dataset for R1's last stage, as {@code aha train --task jsonl --train FILE} reads it:
 * arithmetic problems the rules reward ({@code "reward": "rule"}, with their answers) among synthetic general
 * requests the reward model rewards ({@code "reward": "model"}, no answer), in a seeded order.
 */
@Command(name = "mixed", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a mixed dataset: arithmetic rows for the rules, general requests for the reward model.",
            "Each line: question, answer (arithmetic only) and reward (rule or model)."})
public final class RmMixedCommand implements Callable<Integer> {

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--count", defaultValue = "2000", paramLabel = "N", description = "Rows (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--general-share", defaultValue = "0.5", paramLabel = "X",
            description = "Share of general requests (default: ${DEFAULT-VALUE}).")
    double generalShare;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON Lines to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (count < 1 || !(generalShare >= 0 && generalShare <= 1)) {
            throw new IllegalArgumentException("--count must be positive and --general-share in [0, 1], were "
                    + count + " and " + generalShare);
        }
        RunConfig config = model.load(Map.of());
        int general = MixedDataset.write(out, config.arithmetic(), count, generalShare, seed);
        System.err.printf("aha rm mixed: %,d rows (%,d general, %,d arithmetic) -> %s%n", count, general,
                count - general, out);
        return 0;
    }
}

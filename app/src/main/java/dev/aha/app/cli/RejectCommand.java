package dev.aha.app.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.bench.ConfigOptions;
import dev.aha.runtime.rejection.RejectionFilter;
import dev.aha.runtime.rejection.RejectionSettings;
import dev.aha.runtime.rejection.RejectionStats;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha reject}: the second half of R1's rejection sampling. Keeps the correct, well-formed, readable, distinct
 * completions of {@code aha sample}'s file as SFT data for {@code aha sft --data}; prints and writes (beside --out)
 * what it kept and why it rejected the rest. The rules: {@link RejectionFilter}; their defaults: aha.reject.
 */
@Command(name = "reject", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Keep the correct, readable, distinct samples as SFT data.",
            "Rejection sampling: keeps the correct (accuracy 1), well-formed (format 1), readable (no language "
                + "mixing, no degenerate repetition, length within bounds) and distinct completions of aha sample's "
                + "--samples, at most --max-per-prompt per prompt, as JSON Lines {prompt, completion} for aha sft "
                + "--data. Statistics go to the console and to --out + .stats.json.",
            "Defaults: aha.reject in reference.conf (--config FILE and --set override them, options override all)."})
public final class RejectCommand implements Callable<Integer> {

    @Option(names = "--samples", required = true, paramLabel = "FILE", description = "aha sample's output.")
    Path samples;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The SFT data, JSON Lines.")
    Path out;

    @Option(names = "--max-per-prompt", paramLabel = "M", description = "Most completions kept per prompt; 0 = all "
            + "(default: aha.reject.max-per-prompt).")
    Integer maxPerPrompt;

    @Option(names = "--min-tokens", paramLabel = "A", description = "Fewest completion tokens.")
    Integer minTokens;

    @Option(names = "--max-tokens", paramLabel = "B", description = "Most completion tokens; 0 = no bound.")
    Integer maxTokens;

    @Option(names = "--min-language", paramLabel = "S",
            description = "Least language-consistency score in [0, 1] (1: no word in another script).")
    Double minLanguage;

    @Option(names = "--max-repetition", paramLabel = "F",
            description = "Most repeated word n-gram fraction in [0, 1] (n: aha.reject.repetition-ngram).")
    Double maxRepetition;

    @Option(names = "--max-all-correct-share", paramLabel = "S",
            description = "Most share of the kept prompts that every sample solved; 1 = no cap.")
    Double maxAllCorrectShare;

    @Option(names = "--seed", paramLabel = "N", description = "Which all-correct prompts the share cap drops.")
    Long seed;

    @Mixin
    BadLineOption onBadLine = new BadLineOption();

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Override
    public Integer call() {
        Map<String, Object> options = new HashMap<>();
        put(options, "max-per-prompt", maxPerPrompt);
        put(options, "min-tokens", minTokens);
        put(options, "max-tokens", maxTokens);
        put(options, "min-language", minLanguage);
        put(options, "max-repetition", maxRepetition);
        put(options, "max-all-correct-share", maxAllCorrectShare);
        put(options, "seed", seed);
        Config reject = ConfigFactory.parseMap(options).withFallback(config.load().getConfig("aha.reject"));
        RejectionSettings settings = RejectionSettings.fromConfig(reject);
        RejectionStats stats = new RejectionFilter(settings).run(samples, out, onBadLine.policy);
        System.out.printf("aha reject: %s -> %s (statistics: %s)%n", samples, out, RejectionFilter.statsFile(out));
        stats.print(System.out);
        if (stats.kept() == 0) {
            System.err.println("aha reject: no line kept: " + out + " is empty (aha sft --data refuses it)");
        }
        return 0;
    }

    private static void put(Map<String, Object> options, String key, Object value) {
        if (value != null) {
            options.put(key, value);
        }
    }
}

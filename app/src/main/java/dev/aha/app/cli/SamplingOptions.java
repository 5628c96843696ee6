package dev.aha.app.cli;

import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --temperature} and {@code --max-new-tokens}: the sampling of the commands that generate text. */
final class SamplingOptions {

    @Option(names = "--temperature", paramLabel = "T", description = "Default: aha.sampling.temperature.")
    Float temperature;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Default: aha.sampling.max-new-tokens.")
    Integer maxNewTokens;

    /** Puts the options given into {@code overrides} under their aha.sampling keys. */
    void into(Map<String, Object> overrides) {
        if (temperature != null) {
            overrides.put("aha.sampling.temperature", temperature);
        }
        if (maxNewTokens != null) {
            overrides.put("aha.sampling.max-new-tokens", maxNewTokens);
        }
    }
}

package dev.aha.app.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --seed N} of train and sft: the prompt stream, the rollouts and the initial weights (aha.train.seed and
 * aha.policy.init-seed), so equal seeds give equal data, draws and initial weights.
 */
final class TrainingSeed {

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds the data order, the sampling and the initial weights (default: aha.train.seed, "
                    + "aha.policy.init-seed); SFT repeats bit for bit on one machine; asynchronous RL "
                    + "depends on timing (README).")
    Long seed;

    /** {@code overrides} with the seed's keys added when --seed was given. */
    Map<String, Object> over(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        if (seed != null) {
            all.put("aha.train.seed", seed);
            all.put("aha.policy.init-seed", seed);
        }
        return all;
    }
}

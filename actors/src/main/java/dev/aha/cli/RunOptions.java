package dev.aha.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.aha.actors.RunConfig;
import dev.aha.runtime.config.AhaConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the commands that build a policy from configuration: the config file and the task. */
final class RunOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON overrides of reference.conf.")
    Path config;

    @Option(names = "--task", paramLabel = "NAME", description = "arithmetic (default), gsm8k or jsonl.")
    String task;

    @Option(names = "--train", paramLabel = "FILE", description = "Training JSON Lines (gsm8k, jsonl).")
    Path trainFile;

    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out JSON Lines (gsm8k; optional for jsonl).")
    Path evalFile;

    @Option(names = "--backend", paramLabel = "torch|simulated",
            description = "Where policies run (default: aha.backend): the real model, or modelled devices.")
    String backend;

    /** The layered config with this command line's overrides on top. */
    RunConfig load(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        if (task != null) {
            all.put("aha.train.task", task);
        }
        if (backend != null) {
            all.put("aha.backend", backend);
        }
        Config base = AhaConfig.load(config);
        return RunConfig.from(ConfigFactory.parseMap(all).withFallback(base).resolve());
    }
}

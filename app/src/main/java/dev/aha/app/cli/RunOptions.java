package dev.aha.app.cli;

import dev.aha.actors.config.RunConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that run a task: the model's options, the task and its data, the backend. */
final class RunOptions {

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--task", paramLabel = "NAME", description = "arithmetic (default), gsm8k, jsonl, or a code "
            + "task (its programs run in the sandbox, aha.sandbox): tinycode, humaneval.")
    String task;

    @Option(names = "--train", paramLabel = "FILE", description = "Training JSON Lines (gsm8k, jsonl, humaneval).")
    Path trainFile;

    @Option(names = "--eval", paramLabel = "FILE", description = "Held-out JSON Lines (gsm8k; optional for jsonl and humaneval).")
    Path evalFile;

    @Option(names = "--backend", paramLabel = "torch|simulated",
            description = "Where policies run (default: aha.backend): the real model, or modelled devices.")
    String backend;

    /** The layered config with this command line's overrides on top. */
    RunConfig load(Map<String, Object> overrides) {
        return model.load(withTask(overrides));
    }

    /** The same for working with a checkpoint (see {@link ModelOptions#loadFor}). */
    RunConfig loadFor(Path checkpoint, Map<String, Object> overrides) {
        return model.loadFor(checkpoint, withTask(overrides));
    }

    private Map<String, Object> withTask(Map<String, Object> overrides) {
        Map<String, Object> all = new HashMap<>(overrides);
        if (task != null) {
            all.put("aha.train.task", task);
        }
        if (backend != null) {
            all.put("aha.backend", backend);
        }
        return all;
    }
}

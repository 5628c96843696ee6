package dev.aha.cli;

import ai.djl.ndarray.NDManager;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.run.Progress;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.optim.AdamWSettings;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sft.SftLoop;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlReader;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code aha sft}: supervised fine-tuning, the cold start of R1. */
@Command(name = "sft", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Supervised fine-tuning: on JSON Lines of {prompt, completion} (--data), or on the task's "
                + "generated worked solutions (with a <think> trace). Writes a checkpoint folder that "
                + "aha train --init and aha eval --checkpoint take."})
public final class SftCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--data", paramLabel = "FILE", description = "JSON Lines with prompt and completion (raw text).")
    Path data;

    @Option(names = "--steps", description = "Optimiser steps (default: aha.train.cold-start.steps).")
    Integer steps;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/sft", description = "Checkpoint folder.")
    Path out;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seeds the data order, the sampling and the initial weights (default: aha.train.seed, "
                    + "aha.policy.init-seed); SFT repeats bit for bit on one machine; asynchronous RL "
                    + "depends on timing (README).")
    Long seed;

    @Override
    public Integer call() {
        RunConfig config = run.load(RunOptions.seeded(Map.of(), seed));
        ComputeThreads.prepare(1);
        int n = steps != null ? steps : config.train().coldStartSteps();
        PromptStream examples;
        PromptTemplate template;
        if (data != null) {
            // Raw prompt/completion pairs: the prompt is used as written, so the template is the identity.
            List<TaskPrompt> rows = new ArrayList<>();
            JsonlReader.read(data, BadLinePolicy.STOP, r -> rows.add(new TaskPrompt("sft/" + r.lineNumber(),
                    r.requireText("prompt"), "", r.requireText("completion"))));
            if (rows.isEmpty()) {
                throw new IllegalArgumentException(data + " holds no examples");
            }
            examples = PromptStream.shuffledEpochs(rows, config.train().seed());
            template = PromptTemplate.of("{question}");
        } else {
            examples = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile)
                    .trainStream(config.train().seed() + 99);
            template = config.template();
        }
        try (NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().create(manager);
                ProgressBar bar = Progress.bar("sft", n)) {
            AdamWSettings adam = AdamWSettings.defaults(config.train().coldStartLearningRate());
            float loss = SftLoop.run(policy, config.tokenizer(), template, examples, n,
                    config.train().coldStartBatchSize(), adam, config.train().logitsBudget(), p -> {
                        bar.step();
                        bar.setExtraMessage(String.format("loss %.3f", p.loss()));
                    });
            Path saved = new CheckpointStore(out, 1).describing(config.policyDescription()).savePolicy(n, policy,
                    MetricsLog.JSON.createObjectNode().put("sft_steps", n).put("final_loss", loss));
            System.err.printf("aha sft: %d steps, final loss %.4f; checkpoint %s%n", n, loss, saved);
        }
        return 0;
    }
}

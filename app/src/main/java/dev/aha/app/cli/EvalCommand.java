package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.TaskFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.eval.EvalResult;
import dev.aha.runtime.eval.Evaluator;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.task.Task;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha eval}: held-out pass@1 (from k samples), the unbiased pass@j for j &lt;= k, greedy accuracy and cons@k
 * of a checkpoint, answers read as {@code aha.reward.extract} (or {@code --extract}) says.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a checkpoint on the task's held-out split.",
            "Held-out pass@1 (from --k samples per prompt), the unbiased pass@j for every j <= k, greedy accuracy "
                    + "and cons@k, on prompts never used in training."})
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    RunOptions run = new RunOptions();

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint folder, or a folder of them (its latest is used): a run's checkpoints/.")
    Path checkpoint;

    @Option(names = "--k", description = "Samples per prompt, n of pass@k; pass@1..pass@k are reported "
            + "(default: aha.train.eval-k).")
    Integer k;

    @Option(names = "--prompts", description = "Held-out prompts (default: aha.train.eval-prompts, at least 200).")
    Integer prompts;

    @Mixin
    ExtractOption extract = new ExtractOption();

    @Override
    public Integer call() throws Exception {
        if (k != null && k < 1) {
            throw new IllegalArgumentException("--k must be at least 1 (the n of pass@k: samples per prompt), was "
                    + k);
        }
        Map<String, Object> overrides = !extract.given() ? Map.of()
                : Map.of("aha.reward.extract", extract.mode().configName());
        Path dir = CheckpointStore.resolve(checkpoint);
        RunConfig config = run.loadFor(dir, overrides);
        ComputeThreads.prepare(1);
        Task task = TaskFactory.create(config.train().task(), config, run.trainFile, run.evalFile);
        List<TaskPrompt> heldOut = task.heldOut(prompts != null ? prompts : config.train().evalPrompts());
        try (RunResources resources = RunResources.open(config);
                NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().blank(manager)) {
            CheckpointStore.load(dir, policy, null);
            Evaluator evaluator = resources.evaluator(policy, k != null ? k : config.train().evalK());
            EvalResult r = evaluator.evaluate(heldOut, null);
            ObjectNode out = MetricsLog.JSON.valueToTree(r);
            out.remove("pass_at_k");
            if (Double.isNaN(r.toolCallsPerSample())) {
                out.remove("tool_calls_per_sample"); // a single-turn task's episodes make no calls to count
            }
            for (int j = 1; j <= r.k(); j++) {
                out.put("pass@" + j, r.passAt(j)); // unbiased (Chen et al. 2021), from the k samples of each prompt
            }
            out.put("checkpoint", dir.toString());
            out.put("task", config.train().task());
            out.put("extract", evaluator.extract().configName());
            System.out.println(MetricsLog.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
        return 0;
    }
}

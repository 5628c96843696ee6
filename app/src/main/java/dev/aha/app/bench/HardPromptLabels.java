package dev.aha.app.bench;

import ai.djl.ndarray.NDManager;
import com.typesafe.config.Config;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.actors.run.TaskFactory;
import dev.aha.app.recipe.Configs;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.task.PromptStream;
import dev.aha.runtime.task.TaskPrompt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Labels the first training prompts of a run's stream by a checkpoint (the cold start): k samples each, and a prompt
 * none of whose samples is right is hard. Writes the file {@code aha.train.hard-prompts} reads: each prompt as the
 * dispatcher renders it, with its count of right samples.
 */
final class HardPromptLabels {

    /** What labelling found. */
    record Labels(Path file, int prompts, int hard, int k) {}

    private HardPromptLabels() {}

    /** What an earlier run of the bench wrote into {@code file}. */
    static Labels read(Path file) throws IOException {
        int prompts = 0;
        int hard = 0;
        int k = 0;
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                com.fasterxml.jackson.databind.JsonNode row = MetricsLog.JSON.readTree(line);
                prompts++;
                hard += row.path("correct").asInt() == 0 ? 1 : 0;
                k = row.path("k").asInt();
            }
        }
        return new Labels(file, prompts, hard, k);
    }

    /**
     * @param user the runs' settings (seed, task), so the stream is the one the runs draw
     */
    static Labels write(Config user, Path checkpoint, int n, int k, Path file) throws IOException {
        RunConfig config = Configs.forCheckpoint(user, Map.of(), checkpoint);
        ComputeThreads.prepare(1);
        PromptStream stream = TaskFactory.create(config.train().task(), config, null, null)
                .trainStream(config.train().seed()); // a fresh run from prompt 0, as each of the runs starts
        List<TaskPrompt> prompts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            prompts.add(stream.next());
        }
        int[] correct = new int[n];
        try (RunResources resources = RunResources.open(config);
                NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = config.policy().blank(manager)) {
            CheckpointStore.load(checkpoint, policy, null);
            resources.evaluator(policy, k).withoutGreedy().evaluate(prompts, null, correct);
        }
        StringBuilder lines = new StringBuilder();
        int hard = 0;
        for (int i = 0; i < n; i++) {
            hard += correct[i] == 0 ? 1 : 0;
            lines.append(MetricsLog.JSON.createObjectNode()
                    .put("prompt", config.template().render(prompts.get(i).question()))
                    .put("correct", correct[i]).put("k", k)).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new Labels(file, n, hard, k);
    }
}

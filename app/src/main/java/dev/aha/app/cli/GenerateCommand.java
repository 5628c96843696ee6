package dev.aha.app.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aha.actors.config.RunConfig;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.metrics.MetricsLog;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.sampling.Completion;
import dev.aha.runtime.sampling.Sampler;
import dev.aha.runtime.sampling.SamplingSettings;
import dev.aha.runtime.task.PromptTemplate;
import dev.aha.runtime.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code aha generate}: one completion of a prompt, to check a model before training it. With {@code --json}: the
 * prompt's ids, the generated ids and each generated token's log-probability (the behaviour log-probs a rollout
 * would record).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a completion of --prompt by a model or a checkpoint.",
            "The model is a Hugging Face --model or an Aha --checkpoint; --json adds the ids and each token's "
                    + "log-probability."})
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    ModelOptions options = new ModelOptions();

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "An Aha checkpoint (or a run's folder: its latest), instead of --model.")
    Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT")
    String prompt;

    @Option(names = "--chat", description = "Send the prompt as a user turn through the tokenizer's chat template.")
    boolean chat;

    @Mixin
    ChatFlags flags = new ChatFlags();

    @Option(names = "--greedy", description = "Take the most likely token each step (temperature 0).")
    boolean greedy;

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--seed", defaultValue = "1", description = "Seeds the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "One JSON object with ids and log-probs instead of the text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if ((options.model == null) == (checkpoint == null)) {
            throw new IllegalArgumentException("give exactly one of --model DIR and --checkpoint DIR");
        }
        Path dir = checkpoint == null ? null : CheckpointStore.resolve(checkpoint);
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("aha.train.chat", chat ? "on" : "off");
        overrides.put("aha.train.chat-flags", flags.parse());
        RunConfig config = dir == null ? options.load(overrides) : options.loadFor(dir, overrides);
        // the prompt as given: the task's template text is for task questions, the chat template still applies
        String text = config.template().withText(PromptTemplate.PLACEHOLDER).render(prompt);
        SamplingSettings s = config.sampling();
        SamplingSettings chosen = new SamplingSettings(greedy ? 0f : sampling.temperature != null
                ? sampling.temperature : s.temperature(), s.topP(),
                sampling.maxNewTokens != null ? sampling.maxNewTokens : s.maxNewTokens());
        ComputeThreads.prepare(1);
        int[] ids;
        Completion c;
        String completion;
        try (Tokenizer tokenizer = config.tokenizer().open();
                NDManager manager = NDManager.newBaseManager(config.devices().learner());
                Policy policy = dir == null ? config.policy().create(manager) : config.policy().blank(manager)) {
            ids = tokenizer.encode(text);
            if (dir != null) {
                CheckpointStore.load(dir, policy, null);
            }
            c = new Sampler(policy, chosen, tokenizer.vocabSize(), tokenizer.endIds())
                    .sampleGroup(ids, 1, new Random(seed)).get(0);
            completion = tokenizer.decode(c.tokens());
        }
        if (!json) {
            System.out.println(completion);
            return 0;
        }
        ObjectNode out = MetricsLog.JSON.createObjectNode();
        out.put("prompt", text);
        ArrayNode promptIds = out.putArray("prompt_ids");
        for (int id : ids) {
            promptIds.add(id);
        }
        ArrayNode generated = out.putArray("ids");
        ArrayNode logProbs = out.putArray("logprobs");
        for (int i = 0; i < c.length(); i++) {
            generated.add(c.tokens()[i]);
            logProbs.add(c.logProbs()[i]);
        }
        out.put("text", completion);
        out.put("finished", c.finished());
        System.out.println(MetricsLog.JSON.writeValueAsString(out));
        return 0;
    }
}

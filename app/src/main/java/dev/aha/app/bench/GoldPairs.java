package dev.aha.app.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.actors.config.RunConfig;
import dev.aha.actors.config.RunResources;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.rejection.RejectionSampler;
import dev.aha.runtime.rejection.SampleRecord;
import dev.aha.runtime.task.PromptStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Preference pairs labelled by the gold rule: k completions of the starting policy for each training prompt, scored
 * by the task's rule reward; two completions of one prompt with different gold rewards make a pair, the higher one
 * chosen (at most {@code perPrompt} pairs a prompt, so the pairs spread over prompts). Written in TRL's format; the
 * rule itself never reaches the reward model.
 */
final class GoldPairs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldPairs() {}

    /**
     * Writes {@code count} pairs to {@code out}, sampling training prompts until there are that many.
     *
     * @param maxPrompts gives up after this many prompts
     */
    static int write(RunConfig config, Path start, PromptStream prompts, int k, int perPrompt, int count,
            int maxPrompts, long seed, Path out) throws IOException {
        ComputeThreads.prepare(1);
        ComputeThreads.stopRecording();
        int written = 0;
        int sampled = 0;
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (RunResources resources = RunResources.open(config);
                NDManager manager = NDManager.newBaseManager(config.devices().rollout());
                Policy policy = config.policy().blank(manager);
                BufferedWriter w = Files.newBufferedWriter(out)) {
            CheckpointStore.load(start, policy, null);
            RejectionSampler sampler = new RejectionSampler(policy, resources.tokenizer(), config.template(),
                    config.sampling(), config.reward(), resources.rewards(), config.reject().minLanguage(), k, seed, 0);
            while (written < count && sampled < maxPrompts) {
                List<SampleRecord> samples = sampler.sample(prompts.next());
                sampled++;
                for (SampleRecord[] pair : pairs(samples, perPrompt)) {
                    if (written == count) {
                        break;
                    }
                    w.write(JSON.createObjectNode().put("prompt", pair[0].prompt()).put("chosen", pair[0].completion())
                            .put("rejected", pair[1].completion()).toString());
                    w.newLine();
                    written++;
                }
            }
        }
        if (written < count) {
            throw new IllegalArgumentException("only " + written + " pairs with different gold rewards in "
                    + sampled + " prompts x " + k + " samples; ask for fewer pairs or more prompts");
        }
        return sampled;
    }

    /** Chosen first: pairs of one prompt's samples whose gold rewards and texts differ. */
    static List<SampleRecord[]> pairs(List<SampleRecord> samples, int perPrompt) {
        List<SampleRecord[]> pairs = new ArrayList<>();
        for (int i = 0; i < samples.size() && pairs.size() < perPrompt; i++) {
            for (int j = i + 1; j < samples.size() && pairs.size() < perPrompt; j++) {
                SampleRecord a = samples.get(i);
                SampleRecord b = samples.get(j);
                if (a.reward() != b.reward() && !a.completion().equals(b.completion())) {
                    pairs.add(a.reward() > b.reward() ? new SampleRecord[] {a, b} : new SampleRecord[] {b, a});
                }
            }
        }
        return pairs;
    }
}

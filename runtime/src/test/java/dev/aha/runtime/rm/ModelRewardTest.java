package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.policy.hf.SafetensorsDType;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reward model hosted for a reward node: its settings, what it reads, and its start-up refusals. */
class ModelRewardTest {

    @TempDir
    static Path dir;

    private static Path model;

    /** A GPT reward model of context 48 with the char tokenizer. */
    @BeforeAll
    static void writeModel() {
        ComputeThreads.prepare(1);
        GptFactory factory = new GptFactory(new GptConfig(new CharTokenizer().vocabSize(), 48, 32, 1, 2, 2, 3L));
        try (NDManager base = NDManager.newBaseManager(); Policy policy = factory.create(base)) {
            new CheckpointStore(dir.resolve("sft"), 1).describing(factory.describe().put("tokenizer", "char"))
                    .savePolicy(1, policy, new ObjectMapper().createObjectNode());
            RewardModelSource start = RewardModelSources.open(dir.resolve("sft"), 48, 0);
            try (RewardModel rm = start.create(base, 5)) {
                model = start.write(rm, dir.resolve("rm"), SafetensorsDType.F32);
            }
        }
    }

    private static RewardModelSettings settings(String route, String scope, double weight, String normalize,
            int context) {
        return RewardModelSettings.fromConfig(ConfigFactory.parseString("route = " + route + ", model { path = \""
                + model + "\", scope = " + scope + ", weight = " + weight + ", normalize = " + normalize
                + ", context-length = " + context + " }"));
    }

    private static float directReward(String text) {
        CharTokenizer chars = new CharTokenizer();
        int[] ids = chars.encode(text);
        int[] ended = Arrays.copyOf(ids, ids.length + 1);
        ended[ids.length] = chars.endId();
        try (NDManager base = NDManager.newBaseManager();
                RewardModel rm = RewardModelSources.openForScoring(model, 48).create(base, 0)) {
            return rm.rewards(List.of(ended))[0];
        }
    }

    @Test
    void shouldScoreTheAnswerOrTheWholeCompletion() throws Exception {
        String prompt = "Q: ";
        String[] completions = {"<think>1+2=3</think> <answer>3</answer>", "no reasoning"};
        try (ModelReward answer = ModelReward.start(settings("both", "answer", 2.0, "none", 48), 48, Device.cpu());
                ModelReward full = ModelReward.start(settings("model", "full", 1.0, "sigmoid", 48), 48,
                        Device.cpu())) {
            double[] a = answer.score(prompt, completions).get().parts();
            double[] f = full.score(prompt, completions).get().parts();
            assertEquals(2.0 * directReward(prompt + " <answer>3</answer>"), a[0], 1e-5);
            assertEquals(2.0 * directReward(prompt + "no reasoning"), a[1], 1e-5, "no </think>: all of it");
            assertEquals(1 / (1 + Math.exp(-directReward(prompt + completions[0]))), f[0], 1e-5);
            assertTrue(f[1] > 0 && f[1] < 1);
            assertNotEquals(a[0] / 2, f[0]);
        }
    }

    @Test
    void shouldKeepTheLastTokensOfATextBeyondItsContext() throws Exception {
        String tail = "x".repeat(40);
        try (ModelReward reward = ModelReward.start(settings("model", "full", 1.0, "none", 48), 40, Device.cpu())) {
            double[] long_ = reward.score("a".repeat(30), new String[] {tail}).get().parts();
            double[] kept = reward.score("a".repeat(7), new String[] {tail}).get().parts();
            assertEquals(kept[0], long_[0], 1e-6, "the last 48 tokens: 7 + 40 characters and the end token");
        }
    }

    @Test
    void shouldRefuseAtStartUpInOneLine() {
        IllegalArgumentException shorter = assertThrows(IllegalArgumentException.class,
                () -> ModelReward.start(settings("model", "full", 1.0, "none", 32), 40, Device.cpu()));
        assertTrue(shorter.getMessage().contains("reads at most 32 tokens") && shorter.getMessage().contains(
                "up to 40 (aha.policy.context-length)"), shorter.getMessage());
        IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
                () -> new dev.aha.runtime.reward.RewardSettings(1, 0.2, 0, dev.aha.runtime.reward.TargetScript.LATIN,
                        dev.aha.runtime.reward.ExtractMode.STRICT, false, new RewardModelSettings(RewardRoute.MODEL,
                                "", RewardModelSettings.Scope.ANSWER, 1, RewardModelSettings.Normalize.NONE, 64)));
        assertEquals("aha.reward.route = model needs a reward model: set aha.reward.model.path (or "
                + "aha.reward.judge.model)", noModel.getMessage());
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class, () -> ModelReward.start(
                new RewardModelSettings(RewardRoute.MODEL, "src/test/fixtures/reward-reference/llama",
                        RewardModelSettings.Scope.FULL, 1, RewardModelSettings.Normalize.NONE, 64), 40,
                Device.cpu()));
        assertTrue(labels.getMessage().contains("num_labels = 2"), labels.getMessage());
        IllegalArgumentException scope = assertThrows(IllegalArgumentException.class,
                () -> settings("model", "summary", 1.0, "none", 48));
        assertEquals("aha.reward.model.scope must be answer | full, was 'summary'", scope.getMessage());
        IllegalArgumentException route = assertThrows(IllegalArgumentException.class,
                () -> RewardRoute.parse("judge", "aha.reward.route"));
        assertEquals("aha.reward.route must be rule, model or both, was 'judge'", route.getMessage());
    }
}

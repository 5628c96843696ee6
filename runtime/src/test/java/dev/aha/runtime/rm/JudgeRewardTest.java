package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.checkpoint.CheckpointStore;
import dev.aha.runtime.engine.ComputeThreads;
import dev.aha.runtime.policy.Policy;
import dev.aha.runtime.policy.PolicyParameter;
import dev.aha.runtime.policy.gpt.GptConfig;
import dev.aha.runtime.policy.gpt.GptFactory;
import dev.aha.runtime.tokenizer.CharTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An LLM judge: its rubric, the rating parsed from its greedy output, the failures counted, the refusals. */
class JudgeRewardTest {

    @TempDir
    static Path dir;

    private static Path judge;

    /**
     * A GPT judge that writes "7" whatever it reads: its final LayerNorm outputs a constant vector c (gain 0, bias c)
     * and only the output head's column for '7' points along c.
     */
    @BeforeAll
    static void writeJudge() {
        ComputeThreads.prepare(1);
        CharTokenizer chars = new CharTokenizer();
        int seven = chars.encode("7")[0];
        GptFactory factory = new GptFactory(new GptConfig(chars.vocabSize(), 96, 32, 1, 2, 2, 3L));
        try (NDManager base = NDManager.newBaseManager(); Policy policy = factory.create(base)) {
            for (PolicyParameter p : policy.parameters()) {
                switch (p.name()) {
                    case "lnf.g" -> p.array().set(new NDIndex("..."), 0f);
                    case "lnf.b" -> p.array().set(new NDIndex("..."), 1f);
                    case "head" -> {
                        p.array().set(new NDIndex("..."), 0f);
                        p.array().set(new NDIndex(":, {}", seven), 1f);
                    }
                    default -> { }
                }
            }
            new CheckpointStore(dir.resolve("judge"), 1).describing(factory.describe().put("tokenizer", "char"))
                    .savePolicy(1, policy, new ObjectMapper().createObjectNode());
        }
        judge = dir.resolve("judge");
    }

    private static JudgeSettings settings(String parse, double weight) {
        return new JudgeSettings(judge.toString(), "Rate 0-9.\nQ: {prompt}\nA: {response}\nRating:", parse, 10,
                weight, RewardModelSettings.Scope.ANSWER, 4, 4096);
    }

    @Test
    void shouldParseTheRatingAndScaleIt() throws Exception {
        try (JudgeReward reward = JudgeReward.start(settings("([0-9])", 2.0), RewardRoute.MODEL, Device.cpu())) {
            LearnedReward.Scores s = reward.score("1+2", new String[] {"<think>x</think> 3", "4"}).get();
            assertArrayEquals(new double[] {2.0 * 7 / 10, 2.0 * 7 / 10}, s.parts(), 1e-12);
            assertArrayEquals(new String[2], s.failures());
            assertEquals(RewardRoute.MODEL, reward.route());
        }
    }

    @Test
    void shouldCountAnOutputWithoutARatingAsAFailureScoredZero() throws Exception {
        try (JudgeReward reward = JudgeReward.start(settings("Rating: ([0-9])", 1.0), RewardRoute.BOTH,
                Device.cpu())) {
            LearnedReward.Scores s = reward.score("1+2", new String[] {"3"}).get();
            assertEquals(0, s.parts()[0]);
            assertTrue(s.failures()[0].contains("no rating matching Rating: ([0-9]) in '7777'"), s.failures()[0]);
        }
    }

    @Test
    void shouldReadOnlyFiniteNumbers() {
        java.util.regex.Pattern score = java.util.regex.Pattern.compile("score=(\\S+)");
        assertEquals(8.5, JudgeReward.rating(score, "so score=8.5 then"));
        assertNull(JudgeReward.rating(score, "score=high"));
        assertNull(JudgeReward.rating(score, "score=NaN"));
        assertNull(JudgeReward.rating(score, "nothing"));
    }

    @Test
    void shouldRefuseABadRubricOrJudgeInOneLine() {
        assertEquals("aha.reward.judge.template must contain {response}, where the completion goes",
                assertThrows(IllegalArgumentException.class, () -> new JudgeSettings(judge.toString(), "Rate it",
                        "([0-9])", 10, 1, RewardModelSettings.Scope.FULL, 4, 64)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new JudgeSettings(judge.toString(),
                "{response}", "[0-9]", 10, 1, RewardModelSettings.Scope.FULL, 4, 64)).getMessage()
                .contains("must have a group"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new JudgeSettings(judge.toString(),
                "{response}", "([0-9]", 10, 1, RewardModelSettings.Scope.FULL, 4, 64)).getMessage()
                .contains("is not a regular expression"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JudgeReward.check(new JudgeSettings(
                judge.toString(), "{response}", "([0-9])", 10, 1, RewardModelSettings.Scope.FULL, 96, 4096)))
                .getMessage().contains("leaves no room for the rubric in the judge's context of 96 tokens"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JudgeReward.check(new JudgeSettings(
                dir.resolve("none").toString(), "{response}", "([0-9])", 10, 1, RewardModelSettings.Scope.FULL, 4,
                4096))).getMessage().contains("no such directory"));
    }
}

package dev.aha.actors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import com.typesafe.config.ConfigFactory;
import dev.aha.runtime.config.AhaConfig;
import dev.aha.runtime.engine.TrainPrecision;
import dev.aha.runtime.policy.lora.LoraApply;
import dev.aha.runtime.testing.TestData;
import org.junit.jupiter.api.Test;

/**
 * The settings as a value: contradictions between the policy, tokenizer, chat and training settings fail once, at
 * start-up, naming the keys.
 */
class RunConfigTest {

    private static final String QWEN3 = TestData.tokenizer("qwen3").toString()
            .replace("\\", "/");

    private static RunConfig load(String overrides) {
        return RunConfig.from(ConfigFactory.parseString(overrides).withFallback(AhaConfig.load()).resolve());
    }

    @Test
    void refusesContradictoryPolicySettings() {
        assertMessage("needs aha.policy.architecture = hf", () -> load("aha.policy.model = \"/some/dir\""));
        assertMessage("needs aha.policy.model = DIR", () -> load("aha.policy.architecture = hf"));
        assertMessage("aha.policy.architecture must be gpt or hf, was 'mistral'",
                () -> load("aha.policy.architecture = mistral"));
        assertMessage("aha.policy.dtype = bf16 is not implemented", () -> load("aha.policy.dtype = bf16"));
        assertMessage("aha.device must be cpu, gpu or gpu:N", () -> load("aha.device = tpu"));
    }

    @Test
    void chatPromptsFollowTheTokenizer() {
        assertFalse(load("").template().isChat(), "the character tokenizer has no chat template");
        assertMessage("aha.train.chat = on needs a Hugging Face tokenizer", () -> load("aha.train.chat = on"));
        RunConfig chat = load("aha.tokenizer = \"" + QWEN3 + "\"");
        assertTrue(chat.template().isChat(), "auto: the Qwen3 tokenizer has a chat template");
        assertTrue(chat.template().render("1+1").startsWith("<|im_start|>user\nUser: 1+1 Assistant: <|im_end|>"),
                chat.template().render("1+1"));
        RunConfig noThinking = load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.chat-flags.enable_thinking = false");
        assertTrue(noThinking.template().render("1+1").endsWith("<think>\n\n</think>\n\n"));
        assertFalse(load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.chat = off").template().isChat());
        assertMessage("aha.train.chat must be auto, on or off", () -> load("aha.train.chat = maybe"));
    }

    /** Training's rules hold for a training node only: sampling at temperature 0 (greedy) is fine elsewhere. */
    @Test
    void trainingRulesApplyWhenTheSettingsAreForTraining() {
        RunConfig greedy = load("aha.sampling.temperature = 0");
        assertEquals(RunConfig.Purpose.ANY, greedy.purpose());
        assertMessage("aha.sampling.temperature must be > 0 to train", () -> greedy.requireTrainable(true));
        RunConfig noRollouts = load("aha.train.rollouts = 0");
        assertEquals(RunConfig.Purpose.TRAINING, noRollouts.requireTrainable(false).purpose(),
                "a seed may leave the rollouts to joining nodes");
        assertMessage("aha.train.rollouts must be at least 1 on a node that samples",
                () -> noRollouts.requireTrainable(true));
    }

    /** A checkpoint's policy replaces the configured one: the rules are checked again against it. */
    @Test
    void agentTasksReadTheirSettingsAndRefuseTheSimulatedBackend() {
        RunConfig agent = load("aha.train.task = arithmetic-tool\naha.agent.tools = off");
        assertFalse(agent.agent().tools());
        assertTrue(agent.agentTask());
        assertEquals(3, agent.arithmeticTool().maxDigits());
        assertMessage("task guess-number samples multi-turn episodes, which the simulated backend does not: use "
                + "aha.backend = torch", () -> load("aha.train.task = guess-number\naha.backend = simulated")
                        .requireTrainable(true));
        assertMessage("task gsm8k-python needs a chat model whose template has tools",
                () -> load("aha.train.task = gsm8k-python"));
        assertTrue(load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.task = gsm8k-python").template().render("q")
                .contains("\"name\": \"python\""));
        RunConfig chat = load("aha.tokenizer = \"" + QWEN3 + "\"\naha.train.task = arithmetic-tool");
        assertTrue(chat.template().render("1+1").contains("\"name\": \"calculator\""),
                "a chat model's prompts announce the task's tools");
    }

    @Test
    void theRolloutEngineIsSizedAndCheckedAtStartUp() {
        assertMessage("aha.rollout.dtype must be f32, f16 or bf16, was 'f8'", () -> load("aha.rollout.dtype = f8"));
        assertEquals(DataType.BFLOAT16, load("aha.rollout.dtype = bf16").rollout().dtype().dataType());
        assertMessage("aha.rollout.max-sequences must be >= 0", () -> load("aha.rollout.max-sequences = -1"));
        assertMessage("aha.rollout.threads must be >= 0", () -> load("aha.rollout.threads = -2"));
        assertMessage("aha.rollout.max-sequences (4) must hold a group of aha.train.group-size (8)",
                () -> load("aha.rollout.max-sequences = 4").requireTrainable(true));
        // A GPT whose 10 million slots x 160 positions of keys and values cannot be held anywhere.
        RunConfig huge = load("aha.rollout.max-sequences = 10000000");
        assertEquals(RunConfig.Purpose.ANY, huge.purpose(), "nothing is allocated unless this node samples");
        assertMessage("the rollouts do not fit in memory: 1 rollout(s) x (a KV cache of 10000000 sequences x 160 "
                + "positions x 4 layers x 4 kv heads x 32 dims", () -> huge.requireTrainable(true));
        assertEquals(64, load("").rollout().sequencesFor(false), "CPU default");
        assertEquals(1, load("").rollout().threadsFor(1, 1, 2), "the learner's core is its own");
        assertEquals(2, load("").rollout().threadsFor(1, 0, 2), "a rollout node's cores are the rollout's");
    }

    @Test
    void theLearnersPrecisionIsReadAndABadOneRefused() {
        assertEquals(TrainPrecision.F32, load("").train().precision());
        assertEquals(TrainPrecision.BF16_MIXED, load("aha.train.precision = bf16-mixed").train().precision());
        assertMessage("aha.train.precision must be f32 or bf16-mixed, was 'fp16'",
                () -> load("aha.train.precision = fp16"));
    }

    @Test
    void theAlgorithmIsReadAndTokenLevelOptionsRefusedWithGspo() {
        assertEquals(dev.aha.runtime.grpo.Algorithm.GRPO, load("").grpo().algorithm());
        assertEquals(dev.aha.runtime.grpo.Algorithm.REINFORCE_PP,
                load("aha.grpo.algorithm = reinforce-pp").grpo().algorithm());
        assertEquals(3e-4, load("aha.grpo.algorithm = gspo").grpo().epsLow());
        assertMessage("aha.grpo.algorithm must be grpo, gspo, rloo or reinforce-pp, was 'ppo'",
                () -> load("aha.grpo.algorithm = ppo"));
        assertMessage("aha.grpo.aggregation must be SEQUENCE_MEAN, was TOKEN_MEAN",
                () -> load("aha.grpo.algorithm = gspo\naha.grpo.aggregation = TOKEN_MEAN"));
        assertMessage("aha.grpo.rollout-correction (per-token weights) must be none, was mis",
                () -> load("aha.grpo.algorithm = gspo\naha.grpo.rollout-correction = mis"));
        assertMessage("aha.train.hard-prompts: no file /no/such/labels.jsonl",
                () -> load("aha.train.hard-prompts = /no/such/labels.jsonl").requireTrainable(true));
    }

    @Test
    void howRolloutsApplyLoraAdaptersIsReadAndABadWayRefused() {
        assertEquals(LoraApply.MERGED, load("").loraApply());
        assertEquals(LoraApply.UNMERGED, load("aha.lora.rollout-apply = unmerged").loraApply());
        assertEquals(LoraApply.SHARED, load("aha.lora.rollout-apply = shared").loraApply());
        assertMessage("aha.lora.rollout-apply must be merged, unmerged or shared, was 'sideways'",
                () -> load("aha.lora.rollout-apply = sideways"));
    }

    @Test
    void anotherPolicyIsCheckedAgainstTheOtherSections() {
        RunConfig training = load("").requireTrainable(true);
        RunConfig shortContext = load("aha.policy.context-length = 64"); // = max-new-tokens: fine unless training
        assertMessage("leaves no room for a prompt in the policy's context of 64 tokens",
                () -> training.withPolicy(shortContext.policy()));
        RunConfig qwenTokenizer = load("aha.tokenizer = \"" + QWEN3 + "\"");
        assertMessage("is aha.tokenizer the model's own?", () -> qwenTokenizer.withPolicy(load("").policy()));
    }

    @Test
    void everySectionIsATypedValueAndTheTokenizerIsNotLoaded() {
        RunConfig c = load("aha.weights.mtu = 8192\naha.reject.min-tokens = 3\naha.sandbox.max-concurrent = 3");
        assertEquals(8192, c.weights().mtu());
        assertEquals(3, c.reject().minTokens());
        assertEquals(3, c.sandbox().maxConcurrent());
        assertEquals("char", c.policyDescription().get("tokenizer").asText());
        RunConfig qwen = load("aha.tokenizer = \"" + QWEN3 + "\"");
        assertEquals(151_669, qwen.tokenizer().vocabSize(), "read from tokenizer.json, no native tokenizer held");
        assertEquals(java.nio.file.Path.of(QWEN3).toAbsolutePath().normalize().toString(),
                qwen.policyDescription().get("tokenizer").asText());
    }

    /** A learned reward is refused at start-up when it cannot be used: no model, several labels, a short context. */
    @Test
    void aRewardModelIsCheckedAtStartUp() {
        assertMessage("aha.reward.route = model needs a reward model: set aha.reward.model.path",
                () -> load("aha.reward.route = model"));
        assertMessage("aha.reward.route must be rule, model or both", () -> load("aha.reward.route = judge"));
        String labels = "aha.reward.route = both\naha.reward.model.path = \""
                + java.nio.file.Path.of("../runtime/src/test/fixtures/reward-reference/llama").toAbsolutePath()
                        .toString().replace("\\", "/") + "\"";
        assertEquals(RunConfig.Purpose.ANY, load(labels).purpose(), "checked when the settings are for training");
        assertMessage("num_labels = 2", () -> load(labels).requireTrainable(true));
        String qwen2 = "aha.reward.route = model\naha.reward.model.path = \""
                + java.nio.file.Path.of("../runtime/src/test/fixtures/reward-reference/qwen2").toAbsolutePath()
                        .toString().replace("\\", "/") + "\"\naha.policy.context-length = 120";
        assertMessage("does not say which tokenizer it reads with", () -> load(qwen2).requireTrainable(true));
        assertMessage("reads at most 100 tokens", () -> load(qwen2 + "\naha.reward.model.context-length = 100")
                .requireTrainable(true));
    }

    /** An LLM judge is checked at start-up too, and a run names at most one learned reward. */
    @Test
    void aJudgeIsCheckedAtStartUp() {
        assertMessage("aha.reward.judge.model: no such directory", () -> load(
                "aha.reward.judge.model = /no/such/judge").requireTrainable(true));
        assertMessage("aha.reward.judge.template must contain {response}", () -> load(
                "aha.reward.judge.template = \"Rate it\""));
        assertMessage("both name a learned reward: give one", () -> load(
                "aha.reward.judge.model = /j\naha.reward.model.path = /m"));
        assertEquals(RunConfig.Purpose.ANY, load("aha.reward.route = model\naha.reward.judge.model = /j").purpose(),
                "a judge serves the model route");
    }

    /** A dataset whose rows ask for the reward model, in a run without one, is refused before it starts. */
    @Test
    void rowsRoutedToAMissingRewardModelAreRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path rows = dir.resolve("mixed.jsonl");
        java.nio.file.Files.writeString(rows, "{\"question\":\"1+1\",\"answer\":\"2\"}\n"
                + "{\"question\":\"Write a haiku\",\"reward\":\"model\"}\n");
        assertMessage("jsonl/mixed.jsonl:2 is rewarded by the reward model (reward = model) and "
                + "aha.reward.model.path is empty", () -> dev.aha.actors.run.TaskFactory.create("jsonl", load(""), rows,
                        rows));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}

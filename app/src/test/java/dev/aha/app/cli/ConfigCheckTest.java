package dev.aha.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.policy.hf.HfModelInit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configurations fail at start-up with one line that names the key, never a stack trace and never silently:
 * each case here is a file given to {@code aha config check}, which makes the checks a training node makes.
 */
class ConfigCheckTest {

    @TempDir
    static Path dir;

    private record Result(int code, String out, String err) {}

    private static Result check(String hocon, String... more) throws IOException {
        Path file = Files.createTempFile(dir, "bad", ".conf");
        Files.writeString(file, hocon);
        StringWriter err = new StringWriter();
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            var cli = Aha.commandLine();
            cli.setErr(new PrintWriter(err, true));
            List<String> line = new ArrayList<>(List.of("config", "check", file.toString()));
            line.addAll(List.of(more));
            int code = cli.execute(line.toArray(String[]::new));
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(stdout);
        }
    }

    /** A bad setting, and a word its error line must contain (the key, or what is wrong with it). */
    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("aha.train.grup-size = 8", "did you mean aha.train.group-size"),
                Arguments.of("aha.trian.group-size = 8", "unknown configuration key aha.trian.group-size"),
                Arguments.of("aha.sampling.temprature = 0.7", "did you mean aha.sampling.temperature"),
                Arguments.of("aha.policy.layer = 2", "did you mean aha.policy.layers"),
                Arguments.of("aha.weights.wire-type = bf16", "did you mean aha.weights.wire-dtype"),
                Arguments.of("aha.train { group-size = ", "bad"),
                Arguments.of("aha.train.group-size = 1", "group-size"),
                Arguments.of("aha.train.group-size = eight", "group-size"),
                Arguments.of("aha.train.batch-groups = 0", "batch-groups"),
                Arguments.of("aha.train.rollouts = 0", "rollouts"),
                Arguments.of("aha.train.rollouts = -1", "rollouts"),
                Arguments.of("aha.train.reward-actors = -1", "reward-actors"),
                Arguments.of("aha.train.max-staleness = -1", "max-staleness"),
                Arguments.of("aha.train.sync = on", "max-staleness"),
                Arguments.of("aha.train.max-in-flight-groups = 4", "max-in-flight-groups"),
                Arguments.of("aha.train.rollout-queue = 0", "rollout-queue"),
                Arguments.of("aha.train.lease-timeout = 0s", "lease-timeout"),
                Arguments.of("aha.train.lease-timeout = soon", "lease-timeout"),
                Arguments.of("aha.train.checkpoint-every = -1", "checkpoint-every"),
                Arguments.of("aha.train.eval-every = -1", "eval-every"),
                Arguments.of("aha.train.eval-prompts = 0", "eval-prompts"),
                Arguments.of("aha.train.eval-k = 0", "eval-k"),
                Arguments.of("aha.train.learner-threads = 0", "learner-threads"),
                Arguments.of("aha.train.cold-start.steps = -1", "cold-start.steps"),
                Arguments.of("aha.train.eval-every-k = 0", "eval-every-k"),
                Arguments.of("aha.train.eval-every-prompts = 0", "eval-every-prompts"),
                Arguments.of("aha.train.cold-start.batch-size = 0", "cold-start.batch-size"),
                Arguments.of("aha.train.progress-every = 0", "progress-every"),
                Arguments.of("aha.train.max-steps = -1", "max-steps"),
                Arguments.of("aha.train.logits-budget = 0", "logits-budget"),
                Arguments.of("aha.train.logits-budget = lots", "logits-budget"),
                Arguments.of("aha.train.chat = maybe", "aha.train.chat"),
                Arguments.of("aha.train.chat = on", "aha.train.chat"),
                Arguments.of("aha.train = 5", "aha.train"),
                Arguments.of("aha.backend = tpu", "aha.backend"),
                Arguments.of("aha.device = tpu", "aha.device"),
                Arguments.of("aha.learner-device = \"npu:0\"", "device"),
                Arguments.of("aha.sampling.temperature = 0", "temperature"),
                Arguments.of("aha.sampling.temperature = -1", "temperature"),
                Arguments.of("aha.sampling.top-p = 0", "top"),
                Arguments.of("aha.sampling.top-p = 1.5", "top"),
                Arguments.of("aha.sampling.max-new-tokens = 0", "maxNewTokens"),
                Arguments.of("aha.sampling.max-new-tokens = 160", "max-new-tokens"),
                Arguments.of("aha.policy.architecture = rnn", "architecture"),
                Arguments.of("aha.policy.heads = 3", "heads"),
                Arguments.of("aha.policy.model-dim = 0", "model"),
                Arguments.of("aha.policy.layers = 0", "layers"),
                Arguments.of("aha.policy.context-length = 0", "context"),
                Arguments.of("aha.policy.dtype = f16", "dtype"),
                Arguments.of("aha.policy.architecture = hf", "model"),
                Arguments.of("aha.policy { architecture = hf, model = /nonexistent/model }", "/nonexistent/model"),
                Arguments.of("aha.tokenizer = /nonexistent/tokenizer", "/nonexistent/tokenizer"),
                Arguments.of("aha.grpo.eps-low = -0.1", "eps"),
                Arguments.of("aha.grpo.beta = -1", "beta"),
                Arguments.of("aha.grpo.aggregation = MEAN", "aggregation"),
                Arguments.of("aha.grpo.aggregation = DR_GRPO", "scale"),
                Arguments.of("aha.grpo.algorithm = ppo", "must be grpo, gspo, rloo or reinforce-pp"),
                Arguments.of("aha.grpo.algorithm = gspo\naha.grpo.aggregation = TOKEN_MEAN", "SEQUENCE_MEAN"),
                Arguments.of("aha.train.staleness = later", "aha.train.staleness must be drop or pace"),
                Arguments.of("aha.train.staleness = pace\naha.train.sync = on\naha.train.max-staleness = 0",
                        "staleness = pace paces asynchronous sampling"),
                Arguments.of("aha.grpo.drop-uniform-groups = sometimes", "drop-uniform-groups"),
                Arguments.of("aha.grpo.drop-uniform-group = on", "did you mean aha.grpo.drop-uniform-groups"),
                Arguments.of("aha.grpo.overlong.bufer = 8", "did you mean aha.grpo.overlong.buffer"),
                Arguments.of("aha.grpo.overlong.buffer = -1", "aha.grpo.overlong.buffer"),
                Arguments.of("aha.grpo.overlong.buffer = 65", "aha.sampling.max-new-tokens (64)"),
                Arguments.of("aha.grpo.overlong.penalty = 0", "aha.grpo.overlong.penalty"),
                Arguments.of("aha.grpo.overlong.penalty = -0.5", "aha.grpo.overlong.penalty"),
                Arguments.of("aha.grpo.overlong.filter = sometimes", "overlong.filter"),
                Arguments.of("aha.grpo.rollout-correction = clip",
                        "aha.grpo.rollout-correction must be none, tis or mis, was 'clip'"),
                Arguments.of("aha.grpo.rollout-correction-cap = 0.9",
                        "aha.grpo.rollout-correction-cap must be a number >= 1, was 0.9"),
                Arguments.of("aha.grpo.rollout-correction-cap = many", "rollout-correction-cap"),
                Arguments.of("aha.grpo.rollout-corection = tis", "did you mean aha.grpo.rollout-correction"),
                Arguments.of("aha.optimizer.learning-rate = 0", "learning"),
                Arguments.of("aha.optimizer.beta1 = 1.5", "beta1"),
                Arguments.of("aha.optimizer.max-grad-norm = -1", "GradNorm"),
                Arguments.of("aha.reward.accuracy-weight = -1", "weight"),
                Arguments.of("aha.reward.language = KLINGON", "KLINGON"),
                Arguments.of("aha.reward.extract = loose", "aha.reward.extract must be strict or flexible, was 'loose'"),
                Arguments.of("aha.task.arithmetic { min-terms = 5, max-terms = 3 }", "Terms"),
                Arguments.of("aha.task.arithmetic.operators = \"/\"", "operators"),
                Arguments.of("aha.task.arithmetic.max-digits = 0", "Digits"),
                Arguments.of("aha.weights.transport = TCP", "transport"),
                Arguments.of("aha.weights.mtu = 100", "mtu"),
                Arguments.of("aha.weights.wire-dtype = f16", "wire-dtype"),
                Arguments.of("aha.weights.data-port = 70000", "port"),
                Arguments.of("aha.simulation.median-length = 0", "median"),
                Arguments.of("aha.lora.rank = -1", "aha.lora.rank must be >= 0 (0 = LoRA off), was -1"),
                Arguments.of("aha.lora { rank = 4, alpha = 0 }", "aha.lora.alpha must be positive"),
                Arguments.of("aha.lora { rank = 4, dropout = 1.0 }", "aha.lora.dropout must be in [0, 1)"),
                Arguments.of("aha.lora { rank = 4, targets = [q_proj] }",
                        "aha.lora.targets: 'q_proj' names no linear layer of this gpt policy"),
                Arguments.of("aha.lora.rank = 129", "aha.lora.rank 129 exceeds min(in, out) = 128 of h.0.attn.wqkv"),
                Arguments.of("aha.lora.init = kaiming", "aha.lora.init must be true, false or gaussian"),
                Arguments.of("aha.lora.rnk = 4", "did you mean aha.lora.rank"),
                Arguments.of("aha.lora { rank = 4, rollout-apply = shared }",
                        "aha.lora.rollout-apply = shared needs a llama, qwen2 or qwen3 model"),
                Arguments.of("aha.policy.context-length = 80", "held-out prompts of task arithmetic do not fit"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void aBadConfigurationIsOneLineNamingWhatIsWrong(String hocon, String says) throws IOException {
        Result r = check(hocon);
        assertEquals(1, r.code(), hocon + " was accepted: " + r.err() + r.out());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), hocon + ": more than one line: " + line);
        assertTrue(line.startsWith("aha config check: "), hocon + ": " + line);
        assertTrue(line.contains(says), hocon + ": the error does not say '" + says + "': " + line);
    }

    @Test
    void theShippedDefaultsAreValidAndPrinted() throws IOException {
        Result r = check("aha.train.group-size = 4\naha.train.chat-flags { enable_thinking = false }");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("group-size=4") || r.out().contains("group-size = 4")
                || r.out().contains("\"group-size\" : 4") || r.out().contains("group-size:4"), r.out());
    }

    @Test
    void loraWithRankZeroIsOffWhateverTheTargetsSay() throws IOException {
        Result off = check("aha.lora { rank = 0, targets = [no_such_layer] }");
        assertEquals(0, off.code(), off.err());
        Result on = check("aha.lora { rank = 8, alpha = 16, dropout = 0.05, targets = [wqkv, w2], rslora = on }");
        assertEquals(0, on.code(), on.err());
    }

    /** A rollout node of a cluster holds a replica: it has no learner's base in its JVM to decode over. */
    @Test
    void aNodeWithoutTheLearnerCannotShareItsBase() throws IOException {
        Path model = HfModelInit.write(HfModelInit.Spec.of("qwen3", 32, 1, 2, 1, 64, 128, false, 5),
                dir.resolve("tiny-qwen3"), null);
        String shared = "aha.policy { architecture = hf, model = \"" + model + "\" }\n"
                + "aha.lora { rank = 4, alpha = 8, targets = [all-linear], rollout-apply = shared }";
        Result train = check(shared);
        assertEquals(0, train.code(), train.err());
        Result join = check(shared, "--roles", "rollout");
        assertEquals(1, join.code(), join.err() + join.out());
        assertTrue(join.err().contains("needs the rollouts in the learner's JVM (aha train)"), join.err());
    }

    /** Held-out prompts that fit, training prompts that mostly do not: the run could not learn, so it does not start. */
    @Test
    void aTrainingSetThatMostlyDoesNotFitTheContextIsRefused() throws IOException {
        Path train = dir.resolve("long.jsonl");
        Path heldOut = dir.resolve("short.jsonl");
        StringBuilder longOnes = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            longOnes.append("{\"question\": \"").append("1+".repeat(100)).append(i).append("\", \"answer\": \"1\"}\n");
        }
        Files.writeString(train, longOnes);
        Files.writeString(heldOut, "{\"question\": \"1+1\", \"answer\": \"2\"}\n".repeat(5));
        Result r = check("aha.train.eval-prompts = 5", "--task", "jsonl", "--train", train.toString(), "--eval",
                heldOut.toString());
        assertEquals(1, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("1000 of the first 1000 training prompts of task jsonl do not fit"), r.err());
    }
}

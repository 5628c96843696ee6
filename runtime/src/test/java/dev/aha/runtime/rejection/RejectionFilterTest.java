package dev.aha.runtime.rejection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.reward.RewardSettings;
import dev.aha.runtime.reward.TargetScript;
import dev.aha.runtime.task.BadLinePolicy;
import dev.aha.runtime.task.JsonlFormatException;
import dev.aha.runtime.task.TaskPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The filter keeps exactly the lines its rules say, counts every rejection once, and balances difficulty. */
class RejectionFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * Four prompts of four samples:
     * mixed: 0 kept, 1 incorrect, 2 a duplicate of 0 but for white space, 3 another correct one;
     * easy: all correct, all distinct; hard: none correct;
     * unreadable: all correct, but 0 malformed, 1 mixes languages, 2 loops, 3 is long (500 tokens).
     */
    private static List<SampleRecord> lines() {
        String other = "<think>7+5 is 12, minus 3 is 9</think> <answer>9</answer>";
        List<SampleRecord> all = new ArrayList<>(List.of(
                Samples.line("mixed", 0).build(),
                Samples.line("mixed", 1).incorrect().build(),
                Samples.line("mixed", 2).completion("  <think>7+5=12\n12-3=9</think>\t<answer>9</answer>\n").build(),
                Samples.line("mixed", 3).completion(other).build()));
        for (int i = 0; i < 4; i++) {
            all.add(Samples.line("easy", i).completion("<think>step " + i + "</think> <answer>9</answer>").build());
        }
        for (int i = 0; i < 4; i++) {
            all.add(Samples.line("hard", i).incorrect().build());
        }
        all.add(Samples.line("unreadable", 0).malformed().build());
        all.add(Samples.line("unreadable", 1).language(0.5).build());
        all.add(Samples.line("unreadable", 2).completion("<think>" + "9 9 9 9 ".repeat(20) + "</think>").build());
        all.add(Samples.line("unreadable", 3).tokens(500).build());
        return all;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("defaults but a length bound: the rules and dedupe",
                        settings(0, 1.0, 100), List.of("mixed/0", "mixed/3", "easy/0", "easy/1", "easy/2", "easy/3"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "length", 1L, "duplicate", 1L)),
                Arguments.of("at most one per prompt", settings(1, 1.0, 100), List.of("mixed/0", "easy/0"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "length", 1L, "duplicate", 1L, "max_per_prompt", 4L)),
                Arguments.of("no upper length bound", settings(2, 1.0, 0),
                        List.of("mixed/0", "mixed/3", "easy/0", "easy/1", "unreadable/3"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "duplicate", 1L, "max_per_prompt", 2L)),
                Arguments.of("no all-correct prompts", settings(0, 0.0, 100), List.of("mixed/0", "mixed/3"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "length", 1L, "duplicate", 1L, "balance", 4L)),
                // one other prompt kept ("mixed"; "unreadable" keeps none under the length bound): 0.5 allows one
                Arguments.of("all-correct prompts at most half", settings(0, 0.5, 100),
                        List.of("mixed/0", "mixed/3", "easy/0", "easy/1", "easy/2", "easy/3"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "length", 1L, "duplicate", 1L)),
                Arguments.of("all-correct prompts at most a third", settings(0, 0.34, 100),
                        List.of("mixed/0", "mixed/3"),
                        Map.of("incorrect", 5L, "malformed", 1L, "language_mixing", 1L, "repetition", 1L,
                                "length", 1L, "duplicate", 1L, "balance", 4L)));
    }

    private static RejectionSettings settings(int maxPerPrompt, double allCorrectShare, int maxTokens) {
        return new RejectionSettings(1.0, 4, 0.5, 1, maxTokens, maxPerPrompt, allCorrectShare, 1);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("table")
    void keepsExactlyWhatTheRulesSay(String description, RejectionSettings settings, List<String> kept,
            Map<String, Long> rejected) throws Exception {
        Path samples = Samples.write(dir.resolve("samples.jsonl"), lines());
        Path out = dir.resolve("sft.jsonl");
        RejectionStats stats = new RejectionFilter(settings).run(samples, out, BadLinePolicy.STOP);

        List<String> written = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode node = JSON.readTree(line);
            written.add(node.get("prompt_id").asText() + "/" + node.get("sample").asInt());
            assertEquals("User: 7+5-3 Assistant: ", node.get("prompt").asText(), "the prompt the model saw");
            assertFalse(node.get("completion").asText().isBlank());
        }
        assertEquals(kept, written, description);
        assertEquals(16, stats.linesRead());
        assertEquals(kept.size(), stats.kept());
        for (Map.Entry<String, Long> e : stats.rejected().entrySet()) {
            assertEquals(rejected.getOrDefault(e.getKey(), 0L), e.getValue(), description + ": " + e.getKey());
        }
        assertEquals(16, stats.kept() + stats.rejectedTotal(), "each line kept or rejected once");
        assertEquals(4, stats.prompts());
        assertEquals(2, stats.promptsAllCorrect(), "easy and unreadable: every sample correct");
        assertEquals(1, stats.promptsNoneCorrect(), "hard");
        assertEquals(1, stats.promptsMixed(), "mixed");
    }

    @Test
    void writesTheStatisticsBesideTheOutput() throws Exception {
        Path samples = Samples.write(dir.resolve("samples.jsonl"), lines());
        Path out = dir.resolve("sft.jsonl");
        RejectionStats returned = new RejectionFilter(settings(4, 1.0, 100)).run(samples, out, BadLinePolicy.STOP);
        JsonNode stats = JSON.readTree(dir.resolve("sft.jsonl.stats.json").toFile());
        assertEquals(returned, RejectionStats.fromJson(stats), "the file reads back as the statistics it was");
        assertEquals(16, stats.get("lines_read").asInt());
        assertEquals(6, stats.get("kept").asInt());
        assertEquals(5, stats.get("rejected").get("incorrect").asInt());
        assertEquals(2, stats.get("prompts_none_kept").asInt(), "hard and unreadable");
        assertEquals(4, stats.get("settings").get("max_per_prompt").asInt());
    }

    @Test
    void aBadLineFailsNamingItsNumber() throws Exception {
        List<String> text = new ArrayList<>();
        for (SampleRecord r : lines().subList(0, 4)) {
            text.add(JSON.writeValueAsString(r.toJson()));
        }
        text.set(2, "{\"prompt_id\": \"mixed\", \"sample\": 2");
        Path samples = Files.write(dir.resolve("bad.jsonl"), text);
        RejectionFilter filter = new RejectionFilter(settings(4, 1.0, 0));
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> filter.run(samples, dir.resolve("out.jsonl"), BadLinePolicy.STOP));
        assertEquals(3, e.lineNumber(), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out.jsonl")), "nothing half-written left behind");

        text.set(2, JSON.writeValueAsString(((com.fasterxml.jackson.databind.node.ObjectNode) lines().get(2).toJson())
                .without("completion")));
        Files.write(samples, text);
        e = assertThrows(JsonlFormatException.class,
                () -> filter.run(samples, dir.resolve("out.jsonl"), BadLinePolicy.STOP));
        assertTrue(e.getMessage().endsWith(":3: missing \"completion\""), e.getMessage());

        RejectionStats skipped = filter.run(samples, dir.resolve("out.jsonl"), BadLinePolicy.SKIP);
        assertEquals(1, skipped.badLinesSkipped());
        assertEquals(3, skipped.linesRead());
    }

    @Test
    void refusesToOverwriteItsInput() throws Exception {
        Path samples = Samples.write(dir.resolve("samples.jsonl"), lines());
        assertThrows(IllegalArgumentException.class,
                () -> new RejectionFilter(settings(4, 1.0, 0)).run(samples, samples, BadLinePolicy.STOP));
    }

    @Test
    void theScorerAlwaysReportsLanguageAndFlagsByTheTrainingRewards() {
        RewardSettings rewards = new RewardSettings(1.0, 0.2, 0.0, TargetScript.LATIN,
                dev.aha.runtime.reward.ExtractMode.STRICT); // language weight 0
        RejectionSampler.Scorer scorer = new RejectionSampler.Scorer(rewards, 1.0, 2, 7);
        TaskPrompt p = new TaskPrompt("arithmetic/7+5-3", "7+5-3", "9", null);
        SampleRecord good = scorer.score(p, "User: 7+5-3 Assistant: ", 0, Samples.GOOD, 12, false);
        assertTrue(good.correct() && good.wellFormed() && good.languageConsistent());
        assertEquals(1.2, good.reward(), 1e-12, "accuracy + 0.2 format; language not in the total");
        assertEquals(List.of("accuracy", "format", "language"), List.copyOf(good.rewards().keySet()));
        SampleRecord mixed = scorer.score(p, "x", 1, "<think>seven 加 five</think> <answer>8</answer>", 9, true);
        assertFalse(mixed.correct());
        assertTrue(mixed.wellFormed());
        assertFalse(mixed.languageConsistent());
        assertEquals(2.0 / 3, mixed.language(), 1e-12);
        assertTrue(mixed.truncated());
        assertEquals(7, mixed.policyVersion());
    }
}

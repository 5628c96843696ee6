package dev.aha.runtime.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.tokenizer.BundledTokenizers;
import dev.aha.runtime.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A trajectory (the policy's sampled ids and the observations' ids as {@link ChatTurnFormat} renders them) against the
 * final conversation rendered by Qwen3's own chat template and tokenised once: the same ids, up to the newline the
 * template writes after the last turn's end token (the policy stopped at that token). The policy's turns here are
 * the tokenizer's own encodings of their text; a policy may sample another split of the same text, which is why
 * Aha never re-tokenises and trains on the ids it sampled.
 */
class TrajectoryTemplateTest {

    private static HfTokenizer qwen;
    private static ChatTemplate template;
    private static final String QUESTION = "What is 123*456?";
    private static final String TURN_1 = "<think>\nI will use the calculator.\n</think>\n\n<tool_call>\n"
            + "{\"name\": \"calculator\", \"arguments\": {\"expression\": \"123*456\"}}\n</tool_call>";
    private static final String TURN_2 = "<think>\nThe tool says 56088.\n</think>\n\nThe answer is 56088.";

    @BeforeAll
    static void load() throws Exception {
        Path dir = BundledTokenizers.qwen3();
        qwen = HfTokenizer.load(dir);
        template = ChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json"));
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    /** Prompt ids and trajectory ids of a two-turn episode with one calculator call, under {@code flags}. */
    private static int[][] episode(Map<String, Object> flags) {
        ChatTurnFormat format = new ChatTurnFormat(template, flags, qwen);
        int[] prompt = qwen.encode(template.render(List.of(message("user", QUESTION)), true, flags));
        int[] turn1 = qwen.encode(TURN_1);
        assertEquals(turn1[turn1.length - 1], qwen.encode(ChatTurnFormat.CALL_CLOSE)[0], "the turn ends on the call");
        int[] observation = format.toolResult("56088", turn1, false);
        int[] turn2 = concat(qwen.encode(TURN_2), new int[] {qwen.endId()});
        return new int[][] {prompt, concat(turn1, observation, turn2)};
    }

    private static int[] rendered(Map<String, Object> flags) {
        List<Map<String, Object>> conversation = new ArrayList<>(List.of(message("user", QUESTION),
                message("assistant", TURN_1), message("tool", "56088"), message("assistant", TURN_2)));
        return qwen.encode(template.render(conversation, false, flags));
    }

    @Test
    void theTrajectoryIsTheRenderedConversationsIds() {
        Map<String, Object> flags = Map.of("tools", List.of(new CalculatorTool().schema()));
        int[][] episode = episode(flags);
        assertArrayEquals(rendered(flags), concat(episode[0], episode[1], qwen.encode("\n")));
    }

    /**
     * With {@code enable_thinking=false} the generation prompt opens each assistant turn with an empty think block,
     * but the template renders an earlier turn whose reasoning is empty without it: the re-rendered conversation
     * lacks those ids. Aha keeps the trajectory as the policy saw it (the block in every turn it was given).
     */
    @Test
    void withThinkingOffTheTemplateDropsTheEmptyThinkBlockOfEarlierTurns() {
        Map<String, Object> flags = Map.of("enable_thinking", false);
        String first = "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"1+1\"}}\n</tool_call>";
        ChatTurnFormat format = new ChatTurnFormat(template, flags, qwen);
        int[] prompt = qwen.encode(template.render(List.of(message("user", QUESTION)), true, flags));
        int[] turn1 = qwen.encode(first);
        int[] trajectory = concat(turn1, format.toolResult("2", turn1, false), qwen.encode("It is 2."),
                new int[] {qwen.endId()});
        String text = template.render(List.of(message("user", QUESTION), message("assistant", first),
                message("tool", "2"), message("assistant", "It is 2.")), false, flags);
        String sampled = qwen.decode(concat(prompt, trajectory));
        String emptyThink = "<think>\n\n</think>\n\n";
        assertEquals(2, sampled.split(emptyThink, -1).length - 1, "the policy saw the block before each turn");
        assertEquals(1, text.split(emptyThink, -1).length - 1, "the template keeps it for the last turn only");
    }
}

package dev.aha.runtime.rm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aha.runtime.chat.ChatTemplate;
import dev.aha.runtime.task.JsonlFormatException;
import dev.aha.runtime.testing.TestData;
import dev.aha.runtime.tokenizer.CharTokenizer;
import dev.aha.runtime.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TRL's preference format read into token pairs, and each refused line named as FILE:LINE. */
class PreferenceDataTest {

    @TempDir
    Path dir;

    private final CharTokenizer chars = new CharTokenizer();

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("pairs.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void shouldJoinPromptAndResponseAndEndThem() throws IOException {
        Path f = file("{\"prompt\": \"1+2=\", \"chosen\": \"3\", \"rejected\": \"4\", \"margin\": 0.5}",
                "{\"chosen\": \"1+2=3\", \"rejected\": \"1+2=4\"}");
        List<PreferencePair> pairs = PreferenceData.read(f, new PreferenceText(chars, null), 64);
        assertEquals(2, pairs.size());
        int[] expected = Arrays.copyOf(chars.encode("1+2=3"), 6);
        expected[5] = chars.endId();
        assertArrayEquals(expected, pairs.get(0).chosen());
        assertArrayEquals(expected, pairs.get(1).chosen(), "an implicit prompt scores the same tokens");
        assertEquals(0.5f, pairs.get(0).margin());
        assertEquals(0f, pairs.get(1).margin());
        assertEquals(f + ":2", pairs.get(1).where());
    }

    @Test
    void shouldRenderMessageListsThroughTheChatTemplate() throws IOException {
        try (HfTokenizer qwen = HfTokenizer.load(TestData.tokenizer("qwen3"))) {
            ChatTemplate template = ChatTemplate.fromTokenizerConfig(qwen.config().file());
            Path f = file("{\"prompt\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                    + "\"chosen\": [{\"role\": \"assistant\", \"content\": \"Hello!\"}], "
                    + "\"rejected\": [{\"role\": \"assistant\", \"content\": \"Go away.\"}]}");
            PreferencePair pair = PreferenceData.read(f, new PreferenceText(qwen, template), 256).get(0);
            String text = qwen.decode(pair.chosen());
            assertTrue(qwen.encode("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n").length < pair.chosen()
                    .length);
            assertTrue(text.contains("Hello!"), text);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"prompt\": \"q\", \"rejected\": \"b\"}|missing \"chosen\"",
        "{\"prompt\": \"q\", \"chosen\": \"a\"}|missing \"rejected\"",
        "{\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"a\"}|\"chosen\" equals \"rejected\"",
        "{\"prompt\": \"q\", \"chosen\": 3, \"rejected\": \"a\"}|must be a string or a list of messages",
        "{\"prompt\": \"q\", \"chosen\": [{\"role\": \"assistant\", \"content\": \"a\"}], \"rejected\": \"b\"}"
                + "|must both be strings or both message lists",
        "{\"chosen\": [{\"role\": \"assistant\", \"content\": \"a\"}], \"rejected\": [{\"role\": \"assistant\", "
                + "\"content\": \"b\"}]}|no chat template",
        "{\"chosen\": \"a\", \"rejected\": \"b\", \"margin\": \"big\"}|\"margin\" must be a finite number",
        "{\"chosen\": \"a very long answer\", \"rejected\": \"b\"}|is 19 tokens with its prompt, beyond the reward "
                + "model's context of 8",
        "not json|not valid JSON"})
    void shouldRefuseABadLineByFileAndLine(String line, String why) throws IOException {
        Path f = file("{\"chosen\": \"a\", \"rejected\": \"b\"}", line);
        JsonlFormatException e = assertThrows(JsonlFormatException.class,
                () -> PreferenceData.read(f, new PreferenceText(chars, null), 8));
        assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyFile() throws IOException {
        Path f = file("");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreferenceData.read(f, new PreferenceText(chars, null), 8));
        assertTrue(e.getMessage().contains("holds no preference pairs"), e.getMessage());
    }
}

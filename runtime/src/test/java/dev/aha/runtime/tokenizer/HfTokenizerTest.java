package dev.aha.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aha.runtime.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Qwen3 and DeepSeek-V3 tokenizers (test data: tokenizers/) against fixtures written by the JavaScript port
 * of Hugging Face tokenizers (src/test/fixtures/tokenizers/generate.mjs): every GSM8K test question and a few
 * hand-picked strings must encode to the same ids, and decode must give every question back.
 */
class HfTokenizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, HfTokenizer> TOKENIZERS = new HashMap<>();
    private static List<String> questions;

    @BeforeAll
    static void load() throws IOException {
        for (String name : List.of("qwen3", "deepseek-v3")) {
            TOKENIZERS.put(name, HfTokenizer.load(tokenizerDir(name)));
        }
        questions = new ArrayList<>();
        for (String line : Files.readAllLines(TestData.gsm8k("test.jsonl"))) {
            if (!line.isBlank()) {
                questions.add(JSON.readTree(line).get("question").asText());
            }
        }
    }

    @AfterAll
    static void close() {
        TOKENIZERS.values().forEach(HfTokenizer::close);
    }

    static Path tokenizerDir(String name) {
        return TestData.tokenizer(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "deepseek-v3"})
    void encodesEveryGsm8kQuestionAsTheJavaScriptPortDoes(String name) throws IOException {
        List<String> expected = fixtureLines(name + ".gsm8k-test.ids.gz");
        assertEquals(questions.size(), expected.size(), "questions in test.jsonl vs lines in the fixture");
        HfTokenizer tokenizer = TOKENIZERS.get(name);
        for (int i = 0; i < questions.size(); i++) {
            assertSameIds(name + ", question " + (i + 1), parseIds(expected.get(i)),
                    tokenizer.encode(questions.get(i)), questions.get(i));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "deepseek-v3"})
    void decodeGivesEveryQuestionBack(String name) {
        HfTokenizer tokenizer = TOKENIZERS.get(name);
        for (int i = 0; i < questions.size(); i++) {
            String q = questions.get(i);
            assertEquals(q, tokenizer.decode(tokenizer.encode(q)), name + ", question " + (i + 1));
        }
    }

    @Test
    void encodesTheExtraStringsAsTheJavaScriptPortDoes() throws IOException {
        List<String> lines = fixtureLines("extras.jsonl");
        assertTrue(lines.size() >= 10, "extras.jsonl has " + lines.size() + " strings");
        for (int i = 0; i < lines.size(); i++) {
            JsonNode extra = JSON.readTree(lines.get(i));
            String text = extra.get("text").asText();
            for (Map.Entry<String, HfTokenizer> e : TOKENIZERS.entrySet()) {
                JsonNode ids = extra.get("ids").get(e.getKey());
                int[] expected = new int[ids.size()];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = ids.get(k).asInt();
                }
                assertSameIds(e.getKey() + ", extras.jsonl line " + (i + 1), expected, e.getValue().encode(text), text);
            }
        }
    }

    @Test
    void qwen3SpecialTokensFollowItsConfig() {
        HfTokenizer qwen = TOKENIZERS.get("qwen3");
        assertEquals(151_669, qwen.vocabSize()); // 151,643 + 26 added; the model's embedding (151,936) is larger
        assertEquals(151_645, qwen.endId()); // <|im_end|>: no generation_config.json in the test data
        assertArrayEquals(new int[] {151_645}, qwen.endIds());
        assertEquals(151_643, qwen.padId()); // <|endoftext|>
        assertNull(qwen.bosToken());
        assertEquals("<|im_end|>", qwen.eosToken());
        assertEquals(tokenizerDir("qwen3").resolve("tokenizer_config.json"), qwen.config().file());

        int[] think = qwen.encode("<think>\nx\n</think>");
        assertEquals(151_667, think[0]);
        assertEquals(151_668, think[think.length - 1]);
        // special: true tokens go, special: false ones (<think>, <tool_call>) stay; pad and end go
        int[] turn = qwen.encode("<|im_start|>assistant\n<think>\nx\n</think>\n<tool_call>42<|im_end|>");
        int[] padded = Arrays.copyOf(turn, turn.length + 3);
        Arrays.fill(padded, turn.length, padded.length, qwen.padId());
        assertEquals("assistant\n<think>\nx\n</think>\n<tool_call>42", qwen.decode(padded));
    }

    @Test
    void deepSeekSpecialTokensFollowItsConfig() {
        HfTokenizer deepSeek = TOKENIZERS.get("deepseek-v3");
        assertEquals(128_815, deepSeek.vocabSize()); // 128,000 + 815 added ids above them
        assertEquals("<｜begin▁of▁sentence｜>", deepSeek.bosToken());
        assertEquals("<｜end▁of▁sentence｜>", deepSeek.eosToken());
        assertEquals(1, deepSeek.endId());
        assertEquals(1, deepSeek.padId()); // pad_token is the eos token
        assertArrayEquals(new int[] {0}, deepSeek.encode(deepSeek.bosToken())); // the template writes BOS as text
        int[] ids = deepSeek.encode("<｜begin▁of▁sentence｜><｜User｜>2+2?<｜Assistant｜><think>4</think>"
                + "<｜end▁of▁sentence｜>");
        assertEquals("<｜User｜>2+2?<｜Assistant｜><think>4</think>", deepSeek.decode(ids));
    }

    @Test
    void encodesAndDecodesConcurrentlyAsSequentially() throws Exception {
        HfTokenizer qwen = TOKENIZERS.get("qwen3");
        List<int[]> sequential = new ArrayList<>();
        for (String q : questions) {
            sequential.add(qwen.encode(q));
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * questions.size() / threads;
                done.add(pool.submit(() -> {
                    for (int k = 0; k < questions.size(); k++) {
                        int i = (offset + k) % questions.size();
                        int[] ids = qwen.encode(questions.get(i));
                        assertArrayEquals(sequential.get(i), ids, "question " + (i + 1));
                        assertEquals(questions.get(i), qwen.decode(ids), "question " + (i + 1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reward actors decode every completion: a 256-token completion should take well under a millisecond. */
    @Test
    void decodesA256TokenCompletionQuickly() {
        for (String name : List.of("qwen3", "deepseek-v3")) {
            HfTokenizer tokenizer = TOKENIZERS.get(name);
            int[] all = tokenizer.encode(String.join(" ", questions));
            int[] completion = Arrays.copyOf(all, 256);
            int rounds = 2000;
            long chars = 0;
            for (int i = 0; i < rounds; i++) { // warm-up
                chars += tokenizer.decode(completion).length();
            }
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                chars += tokenizer.decode(completion).length();
            }
            double micros = (System.nanoTime() - start) / 1e3 / rounds;
            long encodeStart = System.nanoTime();
            for (String q : questions) {
                chars += tokenizer.encode(q).length;
            }
            double encodeMicros = (System.nanoTime() - encodeStart) / 1e3 / questions.size();
            System.out.printf("%s: decode of 256 tokens %.1f µs; encode of a GSM8K question (mean %d tokens) %.1f µs"
                    + " (%d)%n", name, micros, all.length / questions.size(), encodeMicros, chars);
            assertTrue(micros < 2_000, name + ": decode of 256 tokens took " + micros + " µs");
        }
    }

    private static void assertSameIds(String what, int[] expected, int[] actual, String text) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        int at = Arrays.mismatch(expected, actual);
        fail(what + ": ids differ from the JavaScript port at position " + at + " (expected "
                + (at < expected.length ? expected[at] : "end") + ", got " + (at < actual.length ? actual[at] : "end")
                + ")\n  text:     " + text + "\n  expected: " + Arrays.toString(expected) + "\n  actual:   "
                + Arrays.toString(actual));
    }

    private static int[] parseIds(String line) {
        return line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    /** A fixture under src/test/resources/tokenizers, gunzipped when its name ends in .gz. */
    private static List<String> fixtureLines(String name) throws IOException {
        InputStream raw = HfTokenizerTest.class.getResourceAsStream("/tokenizers/" + name);
        if (raw == null) {
            throw new IOException("no fixture /tokenizers/" + name + " on the test class path: run "
                    + "src/test/fixtures/tokenizers/generate.mjs");
        }
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
            return lines;
        }
    }
}

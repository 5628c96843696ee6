package dev.aha.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading rules and every failure path, on a hand-written word-level tokenizer.json (ids: 0 {@code <pad>},
 * 1 {@code </s>}, 2 {@code <s>}, 3 {@code <unk>}, 4.. words; 9 {@code <eot>} is an added, non-special token).
 */
class HfTokenizerLoadTest {

    private static final String TOKENIZER_JSON = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [
               {"id": 0, "content": "<pad>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true},
               {"id": 1, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true},
               {"id": 2, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": true},
               {"id": 9, "content": "<eot>", "single_word": false, "lstrip": false, "rstrip": false,
                "normalized": false, "special": false}],
             "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "unk_token": "<unk>",
               "vocab": {"<pad>": 0, "</s>": 1, "<s>": 2, "<unk>": 3, "two": 4, "plus": 5, "is": 6, "four": 7,
                         ",": 8}}}
            """;
    private static final String CONFIG_JSON = """
            {"bos_token": "<s>", "eos_token": {"__type": "AddedToken", "content": "</s>"}, "pad_token": "<pad>",
             "chat_template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}"}
            """;

    @TempDir
    Path dir;

    private Path write(String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    private void writeValid() throws IOException {
        write("tokenizer.json", TOKENIZER_JSON);
        write("tokenizer_config.json", CONFIG_JSON);
    }

    private TokenizerLoadException failure(Path expectedFile, String expectedText) {
        TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> HfTokenizer.load(dir));
        assertEquals(expectedFile, e.file());
        assertTrue(e.getMessage().startsWith(expectedFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
        return e;
    }

    @Test
    void loadsTheSpecialTokensOfTheConfig() throws IOException {
        writeValid();
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertEquals(10, t.vocabSize()); // the largest id (the added <eot>) plus one
            assertEquals(1, t.endId());
            assertEquals(0, t.padId());
            assertEquals("<s>", t.bosToken());
            assertEquals("</s>", t.eosToken());
            assertArrayEquals(new int[] {2, 4, 5, 4, 6, 7, 1}, t.encode("<s>two plus two is four</s>"));
            assertArrayEquals(new int[] {4, 3, 9}, t.encode("two three<eot>")); // no BOS added; unknown word
            assertEquals("two plus <eot>", t.decode(new int[] {2, 4, 5, 9, 1, 0, 0}));
        }
    }

    @Test
    void generationConfigOverridesTheEndIdsAndPadDefaultsToTheFirst() throws IOException {
        write("tokenizer.json", TOKENIZER_JSON);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\"}");
        write("generation_config.json", "{\"bos_token_id\": 2, \"eos_token_id\": [9, 1]}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertArrayEquals(new int[] {9, 1}, t.endIds());
            assertEquals(9, t.endId());
            assertEquals(9, t.padId()); // no pad_token: the end id
            assertEquals("</s>", t.eosToken()); // the template's text stays the config's
            assertEquals("two four", t.decode(new int[] {4, 9, 7, 1}));
        }
        write("generation_config.json", "{\"eos_token_id\": 7}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertArrayEquals(new int[] {7}, t.endIds());
        }
    }

    @Test
    void specialTokensMapFillsOnlyWhatTheConfigLeavesOut() throws IOException {
        write("tokenizer.json", TOKENIZER_JSON);
        write("tokenizer_config.json", "{\"bos_token\": null, \"eos_token\": \"</s>\"}");
        write("special_tokens_map.json", "{\"bos_token\": \"<s>\", \"eos_token\": \"<eot>\", "
                + "\"pad_token\": {\"content\": \"<unk>\"}}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertNull(t.bosToken()); // explicit null in tokenizer_config.json
            assertEquals("</s>", t.eosToken());
            assertEquals(3, t.padId());
        }
    }

    @Test
    void cleansUpTokenizationSpacesWhenTheConfigAsks() throws IOException {
        write("tokenizer.json", TOKENIZER_JSON);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"clean_up_tokenization_spaces\": true}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertEquals("two, four", t.decode(t.encode("two , four")));
        }
        assertEquals("don't, it's.", HfTokenizer.cleanUpTokenizationSpaces("do n't , it 's ."));
    }

    @Test
    void decodeRejectsIdsOutsideTheVocabulary() throws IOException {
        writeValid();
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {4, 10}));
            assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {-1}));
        }
    }

    @Test
    void closeFreesTheNativeTokenizerOnce() throws IOException {
        writeValid();
        HfTokenizer t = HfTokenizer.load(dir);
        t.close();
        t.close();
        assertThrows(IllegalStateException.class, () -> t.encode("two"));
        assertThrows(IllegalStateException.class, () -> t.decode(new int[] {4}));
    }

    @Test
    void failsOnAMissingDirectory() {
        dir = dir.resolve("absent");
        failure(dir, "not a directory");
    }

    @Test
    void failsOnAMissingTokenizerJson() throws IOException {
        write("tokenizer_config.json", CONFIG_JSON);
        failure(dir.resolve("tokenizer.json"), "missing");
    }

    @Test
    void failsOnAMissingTokenizerConfig() throws IOException {
        write("tokenizer.json", TOKENIZER_JSON);
        failure(dir.resolve("tokenizer_config.json"), "missing");
    }

    @Test
    void failsOnCorruptTokenizerJson() throws IOException {
        writeValid();
        write("tokenizer.json", TOKENIZER_JSON.substring(0, TOKENIZER_JSON.length() / 2));
        failure(dir.resolve("tokenizer.json"), "malformed JSON");
        write("tokenizer.json", TOKENIZER_JSON.replace("\"vocab\"", "\"vocabulary\""));
        failure(dir.resolve("tokenizer.json"), "no model.vocab");
        write("tokenizer.json", TOKENIZER_JSON.replace("\"WordLevel\"", "\"NoSuchModel\""));
        failure(dir.resolve("tokenizer.json"), "the tokenizers library cannot load it");
    }

    @Test
    void failsOnCorruptSideFiles() throws IOException {
        writeValid();
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\",");
        failure(dir.resolve("tokenizer_config.json"), "malformed JSON");
        write("tokenizer_config.json", "[\"</s>\"]");
        failure(dir.resolve("tokenizer_config.json"), "expected a JSON object, found array");
        write("tokenizer_config.json", "{\"eos_token\": 1}");
        failure(dir.resolve("tokenizer_config.json"), "eos_token must be a string");
        writeValid();
        write("generation_config.json", "{\"eos_token_id\": [1, \"</s>\"]}");
        failure(dir.resolve("generation_config.json"), "eos_token_id must be a token id");
        write("generation_config.json", "{\"eos_token_id\": 1");
        failure(dir.resolve("generation_config.json"), "malformed JSON");
        write("generation_config.json", "{}");
        write("special_tokens_map.json", "nonsense");
        failure(dir.resolve("special_tokens_map.json"), "malformed JSON");
    }

    @Test
    void failsOnTokensTheVocabularyLacks() throws IOException {
        writeValid();
        write("tokenizer_config.json", "{\"eos_token\": \"<|im_end|>\"}");
        failure(dir.resolve("tokenizer_config.json"), "eos_token '<|im_end|>' is not a token of tokenizer.json");
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"pad_token\": \"[PAD]\"}");
        failure(dir.resolve("tokenizer_config.json"), "pad_token '[PAD]' is not a token");
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"bos_token\": \"<bos>\"}");
        failure(dir.resolve("tokenizer_config.json"), "bos_token '<bos>' is not a token");
        write("tokenizer_config.json", "{\"bos_token\": \"<s>\"}");
        failure(dir.resolve("tokenizer_config.json"), "no eos_token");
        write("tokenizer_config.json", CONFIG_JSON);
        write("generation_config.json", "{\"eos_token_id\": [1, 10]}");
        failure(dir.resolve("generation_config.json"), "eos_token_id 10 is outside the vocabulary [0, 10)");
    }
}

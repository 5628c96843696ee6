package dev.aha.runtime.policy.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face byte-level BPE tokenizer ({@code tokenizer.json}) as the {@code tokenizer.ggml.*} keys of a GGUF
 * file, as llama.cpp's converter writes them ({@code _set_vocab_gpt2} with {@code get_vocab_base}):
 * <ul>
 *   <li>{@code model = "gpt2"}, {@code pre} from {@link PreTokenizers};
 *   <li>{@code tokens}: one per row of the model's embedding, by id; ids no token has (the embedding is wider than
 *       the vocabulary, as in Qwen) become {@code [PAD<id>]} of type UNUSED;
 *   <li>{@code token_type}: NORMAL for the BPE vocabulary; for added tokens CONTROL when marked special or shaped
 *       like a control token ({@code <|...|>}, {@code <｜...｜>}), else USER_DEFINED;
 *   <li>{@code merges} as "left right" strings (pair-list merges have their spaces written as U+0120, as gguf-py
 *       does).
 * </ul>
 * Other tokenizer models (SentencePiece, WordPiece, Unigram) are refused by name.
 */
final class GgufVocabulary {

    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufVocabulary() {}

    /** tokenizer.json of {@code dir}, parsed. */
    static JsonNode read(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + " has no tokenizer.json: a GGUF file carries its vocabulary");
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /**
     * Puts the vocabulary keys for a model with {@code rows} embedding rows.
     *
     * @param tokenizer tokenizer.json, parsed
     */
    static void put(Path tokenizerJson, JsonNode tokenizer, int rows, GgufMetadata out) {
        JsonNode model = tokenizer.path("model");
        String type = model.path("type").asText("");
        if (!type.equals("BPE") || !mentionsByteLevel(tokenizer)) {
            throw new IllegalArgumentException(tokenizerJson + ": GGUF export writes byte-level BPE vocabularies "
                    + "(llama.cpp's gpt2 model), this one is " + (type.isEmpty() ? "of no known model" : type)
                    + (type.equals("BPE") ? " without ByteLevel" : ""));
        }
        Map<Integer, String> byId = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byId.put(e.getValue().asInt(), e.getKey());
        }
        Map<String, Boolean> addedSpecial = new HashMap<>();
        for (JsonNode added : tokenizer.path("added_tokens")) {
            String content = added.path("content").asText();
            byId.put(added.path("id").asInt(), content);
            addedSpecial.put(content, added.path("special").asBoolean(false));
        }
        int maxId = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        if (maxId >= rows) {
            throw new IllegalArgumentException(tokenizerJson + " has token id " + maxId + ", past the model's "
                    + rows + " embedding rows");
        }
        List<String> tokens = new ArrayList<>(rows);
        int[] types = new int[rows];
        for (int id = 0; id < rows; id++) {
            String token = byId.get(id);
            if (token == null) {
                tokens.add("[PAD" + id + "]");
                types[id] = UNUSED;
            } else if (addedSpecial.containsKey(token)) {
                boolean control = addedSpecial.get(token) || looksSpecial(token);
                types[id] = control ? CONTROL : USER_DEFINED;
                tokens.add(control ? token : token.replace('\u2581', ' ')); // pre-normalised user-defined spaces
            } else {
                tokens.add(token);
                types[id] = NORMAL;
            }
        }
        List<String> merges = merges(tokenizerJson, model.path("merges"));
        out.putString("tokenizer.ggml.model", "gpt2");
        out.putString("tokenizer.ggml.pre", PreTokenizers.detect(tokenizerJson));
        out.putStrings("tokenizer.ggml.tokens", tokens);
        out.putInt32s("tokenizer.ggml.token_type", types);
        if (!merges.isEmpty()) {
            out.putStrings("tokenizer.ggml.merges", merges);
        }
    }

    /** The converter's {@code does_token_look_special}. */
    static boolean looksSpecial(String token) {
        return token.equals("<pad>") || token.equals("<mask>") || token.equals("<2mass>") || token.equals("[@BOS@]")
                || (token.startsWith("<|") && token.endsWith("|>"))
                || (token.startsWith("<\uff5c") && token.endsWith("\uff5c>"))
                || (token.startsWith("<unused") && token.endsWith(">"));
    }

    /** {@code ["a b", ...]} as is, or {@code [["a", "b"], ...]} joined with spaces inside parts as U+0120. */
    static List<String> merges(Path tokenizerJson, JsonNode merges) {
        List<String> out = new ArrayList<>();
        for (JsonNode merge : merges) {
            if (merge.isTextual()) {
                out.add(merge.asText());
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual()) {
                out.add(merge.get(0).asText().replace(' ', '\u0120') + " "
                        + merge.get(1).asText().replace(' ', '\u0120'));
            } else {
                throw new IllegalArgumentException(tokenizerJson + ": a merge is neither \"a b\" nor [\"a\", \"b\"]: "
                        + merge);
            }
        }
        return out;
    }

    private static boolean mentionsByteLevel(JsonNode tokenizer) {
        return containsType(tokenizer.path("pre_tokenizer")) || containsType(tokenizer.path("decoder"));
    }

    private static boolean containsType(JsonNode node) {
        if (node.isObject() && "ByteLevel".equals(node.path("type").asText())) {
            return true;
        }
        for (JsonNode child : node) {
            if (child.isContainerNode() && containsType(child)) {
                return true;
            }
        }
        return false;
    }
}

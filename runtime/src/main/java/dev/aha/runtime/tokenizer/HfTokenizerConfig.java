package dev.aha.runtime.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The special tokens of a Hugging Face tokenizer directory, read from its small JSON files (the vocabulary itself
 * is {@code tokenizer.json}'s business):
 * <ul>
 *   <li>{@code tokenizer_config.json} (required): {@code bos_token}, {@code eos_token}, {@code pad_token} (each a
 *       string, {@code null}, or an AddedToken object {@code {"content": ...}}) and
 *       {@code clean_up_tokenization_spaces};</li>
 *   <li>{@code special_tokens_map.json} (optional): fills in those of the three tokens that
 *       {@code tokenizer_config.json} does not mention at all (an explicit {@code null} there stays null);</li>
 *   <li>{@code generation_config.json} (optional): {@code eos_token_id}, one id or a list, which overrides
 *       {@code eos_token} as the ids that end a completion.</li>
 * </ul>
 * The chat template stays in {@link #file()}: its renderer reads {@code chat_template} itself.
 *
 * @param file the {@code tokenizer_config.json} read
 * @param bosToken null when the model has none (Qwen3)
 * @param eosToken null only when {@code generation_config.json} names the end ids
 * @param padToken null when not set (the tokenizer then pads with its end id)
 * @param generationEosIds {@code eos_token_id} of {@code generation_config.json} in its order; empty when absent
 */
public record HfTokenizerConfig(Path file, String bosToken, String eosToken, String padToken,
        boolean cleanUpTokenizationSpaces, List<Integer> generationEosIds) {

    public static final String TOKENIZER_CONFIG_JSON = "tokenizer_config.json";
    public static final String SPECIAL_TOKENS_MAP_JSON = "special_tokens_map.json";
    public static final String GENERATION_CONFIG_JSON = "generation_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public HfTokenizerConfig {
        generationEosIds = List.copyOf(generationEosIds);
    }

    /** Reads the files of {@code directory}; fails with a {@link TokenizerLoadException} naming the file at fault. */
    public static HfTokenizerConfig load(Path directory) {
        Path file = directory.resolve(TOKENIZER_CONFIG_JSON);
        ObjectNode config = readObject(file, true);
        Path mapFile = directory.resolve(SPECIAL_TOKENS_MAP_JSON);
        ObjectNode map = readObject(mapFile, false);
        Path generationFile = directory.resolve(GENERATION_CONFIG_JSON);
        ObjectNode generation = readObject(generationFile, false);

        String[] tokens = new String[3];
        String[] keys = {"bos_token", "eos_token", "pad_token"};
        for (int i = 0; i < keys.length; i++) {
            if (config.has(keys[i]) || map == null) {
                tokens[i] = tokenText(file, keys[i], config.get(keys[i]));
            } else {
                tokens[i] = tokenText(mapFile, keys[i], map.get(keys[i]));
            }
        }
        JsonNode cleanUp = config.get("clean_up_tokenization_spaces");
        if (cleanUp != null && !cleanUp.isBoolean() && !cleanUp.isNull()) {
            throw new TokenizerLoadException(file, "clean_up_tokenization_spaces must be true or false, found "
                    + cleanUp);
        }
        List<Integer> eosIds = generation == null ? List.of()
                : ids(generationFile, "eos_token_id", generation.get("eos_token_id"));
        if (tokens[1] == null && eosIds.isEmpty()) {
            throw new TokenizerLoadException(file, "no eos_token (and no eos_token_id in " + GENERATION_CONFIG_JSON
                    + "): nothing would end a completion");
        }
        return new HfTokenizerConfig(file, tokens[0], tokens[1], tokens[2], cleanUp != null && cleanUp.asBoolean(),
                eosIds);
    }

    /** The JSON object in {@code file}; null if it is optional and absent. */
    static ObjectNode readObject(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw TokenizerLoadException.missing(file);
            }
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new TokenizerLoadException(file, "malformed JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new TokenizerLoadException(file, "cannot be read: " + e, e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new TokenizerLoadException(file, "expected a JSON object, found "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return object;
    }

    /** A special token as written in the config files: a string, null, or an AddedToken object. */
    private static String tokenText(Path file, String key, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isObject() && value.path("content").isTextual()) {
            return value.get("content").asText();
        }
        throw new TokenizerLoadException(file, key + " must be a string, null or {\"content\": \"...\"}, found "
                + value);
    }

    private static List<Integer> ids(Path file, String key, JsonNode value) {
        List<Integer> ids = new ArrayList<>();
        if (value == null || value.isNull()) {
            return ids;
        }
        for (JsonNode id : value.isArray() ? value : List.of(value)) {
            if (!id.isInt() || id.asInt() < 0) {
                throw new TokenizerLoadException(file, key + " must be a token id or a list of them, found " + value);
            }
            ids.add(id.asInt());
        }
        return ids;
    }
}

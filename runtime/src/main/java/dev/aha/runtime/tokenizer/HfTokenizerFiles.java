package dev.aha.runtime.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A Hugging Face tokenizer directory whose files have been read and checked, with no native library loaded: what
 * configuration needs to know of it (the ids it makes, its end and pad ids, where its chat template is).
 * {@link HfTokenizer#open} makes the live tokenizer from it.
 *
 * @param directory the directory read
 * @param config its special tokens and the {@code tokenizer_config.json} that holds the chat template
 * @param vocabSize the ids {@code tokenizer.json} produces: base vocabulary and added tokens
 * @param endIds the ids that end a completion, first the one the tokenizer reports as {@code endId}
 * @param padId what batches are padded with
 */
public record HfTokenizerFiles(Path directory, HfTokenizerConfig config, int vocabSize, int[] endIds, int padId) {

    public HfTokenizerFiles {
        endIds = endIds.clone();
    }

    @Override
    public int[] endIds() {
        return endIds.clone();
    }

    public Path tokenizerJson() {
        return directory.resolve(HfTokenizer.TOKENIZER_JSON);
    }

    /**
     * Reads and checks {@code directory}. Fails with a {@link TokenizerLoadException} naming the file at fault: a
     * missing directory or file, malformed JSON, a special token that is not in the vocabulary, an end id out of range.
     */
    public static HfTokenizerFiles read(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new TokenizerLoadException(directory, "not a directory (" + TokenizerLoadException.EXPECTED + ")");
        }
        Path file = directory.resolve(HfTokenizer.TOKENIZER_JSON);
        if (!Files.isRegularFile(file)) {
            throw TokenizerLoadException.missing(file);
        }
        HfTokenizerConfig config = HfTokenizerConfig.load(directory);
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenizerLoadException(file, "cannot be read: " + e, e);
        }
        Set<String> named = new HashSet<>();
        for (String token : new String[] {config.eosToken(), config.padToken(), config.bosToken()}) {
            if (token != null) {
                named.add(token);
            }
        }
        HfVocabulary vocabulary = HfVocabulary.scan(file, json, named);
        int[] endIds = endIds(config, vocabulary);
        int padId = config.padToken() == null ? endIds[0] : idOf(config, vocabulary, "pad_token", config.padToken());
        if (config.bosToken() != null) {
            idOf(config, vocabulary, "bos_token", config.bosToken()); // the template writes it: it must be a token
        }
        return new HfTokenizerFiles(directory, config, vocabulary.size(), endIds, padId);
    }

    private static int[] endIds(HfTokenizerConfig config, HfVocabulary vocabulary) {
        Set<Integer> ids = new LinkedHashSet<>(config.generationEosIds());
        for (int id : ids) {
            if (id >= vocabulary.size()) {
                throw new TokenizerLoadException(config.file().resolveSibling(HfTokenizerConfig.GENERATION_CONFIG_JSON),
                        "eos_token_id " + id + " is outside the vocabulary [0, " + vocabulary.size() + ")");
            }
        }
        if (ids.isEmpty()) {
            ids.add(idOf(config, vocabulary, "eos_token", config.eosToken()));
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int idOf(HfTokenizerConfig config, HfVocabulary vocabulary, String key, String token) {
        Integer id = vocabulary.ids().get(token);
        if (id == null) {
            throw new TokenizerLoadException(config.file(), key + " '" + token + "' is not a token of "
                    + HfTokenizer.TOKENIZER_JSON + " (neither an added token nor in model.vocab)");
        }
        return id;
    }
}

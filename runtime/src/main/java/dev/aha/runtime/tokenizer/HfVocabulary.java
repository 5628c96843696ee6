package dev.aha.runtime.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Aha needs to know of a {@code tokenizer.json} beyond what the native library answers: how many ids it can
 * produce, and the ids of a few token strings (the special tokens named in the config files). One streaming pass
 * over the JSON, which also checks that it is well formed before the native library sees it; the merges are skipped
 * unread and no map of the whole vocabulary is kept.
 *
 * <p>A token string resolves as transformers' {@code convert_tokens_to_ids} resolves it: an added token (the
 * {@code added_tokens} list) first, then the model's vocabulary ({@code model.vocab}: a map from token to id for BPE,
 * WordPiece and WordLevel, a list of {@code [piece, score]} pairs, id = position, for Unigram).
 *
 * @param size the largest id plus one: base vocabulary and added tokens together
 * @param ids the ids of the wanted strings that were found
 */
record HfVocabulary(int size, Map<String, Integer> ids) {

    /** Field names are not interned: a vocabulary has ~150k of them, each seen once. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    HfVocabulary {
        ids = Map.copyOf(ids);
    }

    /** Scans the JSON text of {@code file} for its id range and the ids of {@code wanted}. */
    static HfVocabulary scan(Path file, byte[] json, Set<String> wanted) {
        Scan scan = new Scan(wanted);
        try (JsonParser p = JSON.createParser(json)) {
            expect(file, p, p.nextToken(), JsonToken.START_OBJECT, "the top level");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("added_tokens") && value != JsonToken.VALUE_NULL) {
                    scan.addedTokens(file, p);
                } else if (field.equals("model")) {
                    expect(file, p, value, JsonToken.START_OBJECT, "model");
                    scan.model(file, p);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new TokenizerLoadException(file, "malformed JSON: text after the top-level object at "
                        + where(p));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new TokenizerLoadException(file, "malformed JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        } catch (IOException e) {
            throw new TokenizerLoadException(file, "cannot be read: " + e, e);
        }
        if (!scan.sawVocab) {
            throw new TokenizerLoadException(file, "no model.vocab: not a tokenizer.json of the tokenizers library");
        }
        Map<String, Integer> ids = new HashMap<>(scan.vocabIds);
        ids.putAll(scan.addedIds); // added tokens win, as in transformers
        return new HfVocabulary(scan.maxId + 1, ids);
    }

    private static final class Scan {
        final Set<String> wanted;
        final Map<String, Integer> addedIds = new HashMap<>();
        final Map<String, Integer> vocabIds = new HashMap<>();
        int maxId = -1;
        boolean sawVocab;

        Scan(Set<String> wanted) {
            this.wanted = wanted;
        }

        /** {@code [{"id": 151643, "content": "<|endoftext|>", ...}, ...]} */
        void addedTokens(Path file, JsonParser p) throws IOException {
            expect(file, p, p.currentToken(), JsonToken.START_ARRAY, "added_tokens");
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Integer id = null;
                String content = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("id")) {
                        expect(file, p, value, JsonToken.VALUE_NUMBER_INT, "added_tokens[].id");
                        id = p.getIntValue();
                    } else if (field.equals("content")) {
                        expect(file, p, value, JsonToken.VALUE_STRING, "added_tokens[].content");
                        content = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
                if (id == null || content == null) {
                    throw new TokenizerLoadException(file, "an added token without id or content, before "
                            + where(p));
                }
                see(file, p, id);
                if (wanted.contains(content)) {
                    addedIds.put(content, id);
                }
            }
            expect(file, p, p.currentToken(), JsonToken.END_ARRAY, "added_tokens");
        }

        /** {@code {"type": "BPE", "vocab": {...}, "merges": [...]}}: only the vocabulary is read. */
        void model(Path file, JsonParser p) throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("vocab")) {
                    p.skipChildren();
                } else if (value == JsonToken.START_OBJECT) {
                    sawVocab = true;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String token = p.currentName();
                        expect(file, p, p.nextToken(), JsonToken.VALUE_NUMBER_INT, "model.vocab[\"" + token + "\"]");
                        int id = p.getIntValue();
                        see(file, p, id);
                        if (wanted.contains(token)) {
                            vocabIds.put(token, id);
                        }
                    }
                } else if (value == JsonToken.START_ARRAY) { // Unigram: [[piece, score], ...]
                    sawVocab = true;
                    int id = 0;
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        expect(file, p, p.nextToken(), JsonToken.VALUE_STRING, "model.vocab[" + id + "][0]");
                        if (wanted.contains(p.getText())) {
                            vocabIds.put(p.getText(), id);
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            p.skipChildren();
                        }
                        see(file, p, id++);
                    }
                } else {
                    throw new TokenizerLoadException(file, "model.vocab must be an object or a list, found " + value
                            + " at " + where(p));
                }
            }
        }

        void see(Path file, JsonParser p, int id) {
            if (id < 0) {
                throw new TokenizerLoadException(file, "negative token id " + id + " at " + where(p));
            }
            maxId = Math.max(maxId, id);
        }
    }

    private static void expect(Path file, JsonParser p, JsonToken found, JsonToken expected, String what) {
        if (found != expected) {
            throw new TokenizerLoadException(file, what + ": expected " + expected + ", found " + found + " at "
                    + where(p));
        }
    }

    private static String where(JsonParser p) {
        JsonLocation at = p.currentLocation();
        return "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}

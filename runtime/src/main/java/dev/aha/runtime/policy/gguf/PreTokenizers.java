package dev.aha.runtime.policy.gguf;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Names a byte-level BPE tokenizer's pre-tokenizer ({@code tokenizer.ggml.pre}) as llama.cpp's converter does: it
 * encodes a fixed text full of edge cases (spaces, newlines, digits, emoji, scripts, contractions) with the special
 * tokens the tokenizer adds, hashes Python's {@code str()} of the id list with SHA-256, and looks the hash up in the
 * converter's table. llama.cpp picks its splitting regex by that name, so a wrong name would tokenize text
 * differently; an unknown hash is refused, as the converter refuses it.
 */
final class PreTokenizers {

    private static final String TABLE = "pre-tokenizers.tsv";
    private static final String CHECK_TEXT = "pre-tokenizer-check.txt";

    private PreTokenizers() {}

    /** llama.cpp's name for the pre-tokenizer of {@code tokenizerJson}. */
    static String detect(Path tokenizerJson) {
        String hash = hash(tokenizerJson);
        String name = table().get(hash);
        if (name == null) {
            throw new IllegalArgumentException(tokenizerJson + ": llama.cpp does not know this tokenizer's "
                    + "pre-tokenizer (check hash " + hash + "), so a GGUF file could not tokenize text as it does");
        }
        return name;
    }

    /** sha256 of {@code str(tokenizer.encode(check_text))}, the converter's {@code chkhsh}. */
    static String hash(Path tokenizerJson) {
        Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
        long[] ids;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options)) {
            Encoding encoding = tokenizer.encode(resource(CHECK_TEXT));
            ids = encoding.getIds();
        } catch (IOException e) {
            throw new UncheckedIOException("could not load " + tokenizerJson, e);
        } catch (RuntimeException e) { // the native library's own parse errors
            throw new IllegalArgumentException(tokenizerJson + ": the tokenizers library cannot load it: "
                    + e.getMessage(), e);
        }
        return sha256(pythonList(ids));
    }

    /** Python's {@code str(list_of_ints)}: {@code [1, 2, 3]}. */
    static String pythonList(long[] ids) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(ids[i]);
        }
        return s.append(']').toString();
    }

    static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** hash -> name, from the resource copied out of the converter. */
    static Map<String, String> table() {
        Map<String, String> table = new HashMap<>();
        for (String line : resource(TABLE).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\t");
            table.put(parts[0], parts[1].strip());
        }
        return table;
    }

    private static String resource(String name) {
        try (InputStream in = PreTokenizers.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read resource " + name, e);
        }
    }
}

package dev.aha.runtime.tokenizer;

import java.nio.file.Path;

/** Makes the tokenizer {@code aha.tokenizer} names: {@code char}, or a Hugging Face tokenizer directory. */
public final class Tokenizers {

    /** The built-in character tokenizer's name. */
    public static final String CHAR = "char";

    private Tokenizers() {}

    public static Tokenizer load(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("aha.tokenizer must be char or a directory with tokenizer.json");
        }
        return CHAR.equals(name) ? new CharTokenizer() : HfTokenizer.load(Path.of(name));
    }
}

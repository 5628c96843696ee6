package dev.aha.runtime.tokenizer;

/** Makes the tokenizer {@code aha.tokenizer} names: {@code char}, or a Hugging Face tokenizer directory. */
public final class Tokenizers {

    /** The built-in character tokenizer's name. */
    public static final String CHAR = "char";

    private Tokenizers() {}

    /** The live tokenizer {@code name} names; the caller closes it. */
    public static Tokenizer load(String name) {
        return TokenizerSpec.of(name).open();
    }
}

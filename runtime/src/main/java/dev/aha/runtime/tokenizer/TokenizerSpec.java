package dev.aha.runtime.tokenizer;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The tokenizer {@code aha.tokenizer} names, checked but not loaded: the built-in character tokenizer, or a Hugging
 * Face directory whose files have been read ({@link HfTokenizerFiles}). Settings are built from it (the built-in GPT
 * is sized by {@link #vocabSize()}, a chat template is read from the directory) without holding native memory;
 * {@link #open()} makes the live tokenizer, which its caller owns and closes.
 *
 * @param hf the checked directory; null for {@value Tokenizers#CHAR}
 */
public record TokenizerSpec(HfTokenizerFiles hf) {

    /** The built-in character tokenizer. */
    public static final TokenizerSpec CHAR = new TokenizerSpec(null);

    /** {@code char}, or a Hugging Face tokenizer directory (read and checked now). */
    public static TokenizerSpec of(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("aha.tokenizer must be char or a directory with tokenizer.json");
        }
        return Tokenizers.CHAR.equals(name) ? CHAR : new TokenizerSpec(HfTokenizerFiles.read(Path.of(name)));
    }

    /** The ids the tokenizer produces, {@code [0, vocabSize)}. */
    public int vocabSize() {
        return hf == null ? new CharTokenizer().vocabSize() : hf.vocabSize();
    }

    /** The Hugging Face directory, when the tokenizer is one. */
    public Optional<HfTokenizerFiles> huggingFace() {
        return Optional.ofNullable(hf);
    }

    /** What a checkpoint records: {@code char}, or the directory as an absolute path. */
    public String name() {
        return hf == null ? Tokenizers.CHAR : hf.directory().toAbsolutePath().normalize().toString();
    }

    /** A live tokenizer (native memory for a Hugging Face one): the caller closes it. */
    public Tokenizer open() {
        return hf == null ? new CharTokenizer() : HfTokenizer.open(hf);
    }

    @Override
    public String toString() {
        return name();
    }
}

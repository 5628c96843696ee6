package dev.aha.runtime.tokenizer;

/**
 * Text to token ids and back. The built-in {@link CharTokenizer} serves the synthetic tasks; a Hugging Face
 * {@code tokenizer.json} (DJL tokenizers) can implement this interface for real models without changing callers.
 *
 * <p>Ids are dense in {@code [0, vocabSize())}. {@link #padId()} is never produced by {@link #encode}, and
 * {@link #decode} drops pad and end tokens, so a padded, finished completion decodes to its text.
 */
public interface Tokenizer {

    int vocabSize();

    /** Fills batches to a common length; masked out of every loss. */
    int padId();

    /** Ends a completion: sampling stops when it is drawn. */
    int endId();

    int[] encode(String text);

    String decode(int[] ids);
}

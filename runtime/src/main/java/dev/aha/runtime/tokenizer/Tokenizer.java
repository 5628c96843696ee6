package dev.aha.runtime.tokenizer;

/**
 * Text to token ids and back. The built-in {@link CharTokenizer} serves the synthetic tasks; {@link HfTokenizer}
 * serves real models from a Hugging Face {@code tokenizer.json} (DJL tokenizers) without changing callers.
 *
 * <p>Ids are dense in {@code [0, vocabSize())}. {@link #padId()} is never produced by {@link #encode} (a Hugging
 * Face tokenizer produces it only where the text spells the pad token out), and {@link #decode} drops pad and end
 * tokens, so a padded, finished completion decodes to its text.
 *
 * <p>A tokenizer may hold native memory: {@link #close()} releases it (the default does nothing).
 */
public interface Tokenizer extends AutoCloseable {

    int vocabSize();

    /** Fills batches to a common length; masked out of every loss. */
    int padId();

    /** Ends a completion: sampling stops when it is drawn. The first of {@link #endIds()}. */
    int endId();

    /**
     * Every id that ends a completion, {@link #endId()} first: sampling stops on any of them (a Hugging Face model
     * may list several, e.g. Qwen3's {@code <|im_end|>} and {@code <|endoftext|>}). A fresh array each call.
     */
    default int[] endIds() {
        return new int[] {endId()};
    }

    int[] encode(String text);

    String decode(int[] ids);

    /** Releases what the tokenizer holds outside the Java heap; the default holds nothing. */
    @Override
    default void close() {}
}

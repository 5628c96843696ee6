package dev.aha.runtime.tokenizer;

import java.nio.file.Path;

/** A tokenizer directory that cannot be used: which file, and what is wrong with it. */
public final class TokenizerLoadException extends RuntimeException {

    /** What a tokenizer directory must hold, for messages. */
    static final String EXPECTED = "a Hugging Face tokenizer directory holds " + HfTokenizer.TOKENIZER_JSON + " and "
            + HfTokenizerConfig.TOKENIZER_CONFIG_JSON;

    private final transient Path file;

    public TokenizerLoadException(Path file, String problem) {
        this(file, problem, null);
    }

    public TokenizerLoadException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    static TokenizerLoadException missing(Path file) {
        return new TokenizerLoadException(file, "missing (" + EXPECTED + ")");
    }

    /** The file (or directory) at fault. */
    public Path file() {
        return file;
    }
}

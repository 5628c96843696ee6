package dev.aha.bench.llamacpp;

/** llama.cpp cannot run here: node or node-llama-cpp is missing. The message says what to install, in one line. */
public final class LlamaCppMissingException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public LlamaCppMissingException(String message) {
        super(message);
    }
}

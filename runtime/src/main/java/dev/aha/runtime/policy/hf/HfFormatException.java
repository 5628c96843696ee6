package dev.aha.runtime.policy.hf;

/**
 * A Hugging Face model file that is corrupt, inconsistent or not what the model needs. The message names the file
 * and, where there is one, the tensor.
 */
public final class HfFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public HfFormatException(String message) {
        super(message);
    }

    public HfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

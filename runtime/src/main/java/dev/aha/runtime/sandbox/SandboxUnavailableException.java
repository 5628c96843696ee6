package dev.aha.runtime.sandbox;

/**
 * Code rewards cannot start: the sandbox's tools are missing or it does not work on this host. The message says what
 * to install or what failed; the command line reports it as a user error, without a stack trace.
 */
public final class SandboxUnavailableException extends IllegalStateException {

    public SandboxUnavailableException(String message) {
        super(message);
    }
}

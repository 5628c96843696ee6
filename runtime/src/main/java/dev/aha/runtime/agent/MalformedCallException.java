package dev.aha.runtime.agent;

/** A tool call's text that is no call in the format: the message says why, in one line. */
public final class MalformedCallException extends Exception {

    public MalformedCallException(String message) {
        super(message);
    }
}

package dev.aha.app.serve;

/** A request the server refuses with 400 and this one-line reason. */
final class BadRequest extends RuntimeException {

    BadRequest(String message) {
        super(message);
    }
}

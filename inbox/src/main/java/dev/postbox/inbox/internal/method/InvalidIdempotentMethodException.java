package dev.postbox.inbox.internal.method;

/** A misused {@code @Idempotent}; reported as a deployment (definition) error. */
public final class InvalidIdempotentMethodException extends RuntimeException {

    public InvalidIdempotentMethodException(String method, String problem) {
        super("@Idempotent on " + method + ": " + problem);
    }
}

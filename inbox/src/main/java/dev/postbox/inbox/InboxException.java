package dev.postbox.inbox;

/**
 * Base of the inbox's typed answers. Free of JAX-RS so it works anywhere; inside JAX-RS resource methods the
 * inbox turns each subtype into the HTTP status named in its documentation, with an
 * {@code application/problem+json} body.
 */
public abstract class InboxException extends RuntimeException {

    private final String scope;
    private final String key;

    protected InboxException(String scope, String key, String message, Throwable cause) {
        super(message, cause);
        this.scope = scope;
        this.key = key;
    }

    /** The consumer scope, or null when the error came before one was known. */
    public String scope() {
        return scope;
    }

    /** The idempotency key, or null when there is none (yet). */
    public String key() {
        return key;
    }

    /** The HTTP status the inbox answers with inside a JAX-RS resource method. */
    public abstract int httpStatus();
}

package dev.postbox.relay;

/**
 * A sink's negative acknowledgement. Retryable failures (timeouts, broker or endpoint unavailable, HTTP 408, 429,
 * 5xx) are retried with backoff; permanent ones (the event itself can never be accepted: HTTP 4xx, record too
 * large, invalid topic) park the event at once.
 */
public class RelaySinkException extends RuntimeException {

    private final boolean permanent;

    public RelaySinkException(String message, Throwable cause, boolean permanent) {
        super(message, cause);
        this.permanent = permanent;
    }

    public static RelaySinkException retryable(String message, Throwable cause) {
        return new RelaySinkException(message, cause, false);
    }

    public static RelaySinkException permanent(String message, Throwable cause) {
        return new RelaySinkException(message, cause, true);
    }

    /** True when retrying cannot help: the event is parked without further attempts. */
    public boolean permanent() {
        return permanent;
    }
}

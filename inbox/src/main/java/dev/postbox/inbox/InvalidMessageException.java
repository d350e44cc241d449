package dev.postbox.inbox;

/**
 * The message cannot be accepted: no payload, a payload over {@code postbox.inbox.max-payload-bytes}, malformed
 * JSON, arguments that cannot be stored, or an unusable key. Thrown before anything is written: no record is
 * left behind. HTTP 400 (413 when too large).
 */
public class InvalidMessageException extends InboxException {

    /** What is wrong with the message. */
    public enum Reason {
        NULL_PAYLOAD,
        TOO_LARGE,
        MALFORMED,
        INVALID_KEY
    }

    private final Reason reason;

    public InvalidMessageException(Reason reason, String scope, String message, Throwable cause) {
        super(scope, null, message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public int httpStatus() {
        return reason == Reason.TOO_LARGE ? 413 : 400;
    }
}

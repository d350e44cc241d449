package dev.postbox.inbox;

/**
 * The message cannot be accepted: no payload, a payload over {@code postbox.inbox.max-payload-bytes}, malformed
 * JSON, JSON that does not bind to a typed handler's payload type, arguments that cannot be stored, or an unusable
 * key. Thrown before anything is written: no record is
 * left behind. HTTP 400 (413 when too large).
 */
public class InvalidMessageException extends InboxException {

    /** What is wrong with the message. */
    public enum Reason {
        NULL_PAYLOAD,
        TOO_LARGE,
        MALFORMED,
        /** Valid JSON that JSON-B cannot bind to the payload type of the scope's handler. */
        NOT_BINDABLE,
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

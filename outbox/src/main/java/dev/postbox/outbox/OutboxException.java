package dev.postbox.outbox;

/** An event could not be accepted by the outbox; the message says which event and why. */
public class OutboxException extends RuntimeException {

    public OutboxException(String message) {
        super(message);
    }

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.postbox.inbox.internal.engine;

/** A failure that no retry can fix (e.g. stored arguments that no longer fit the method): the record goes DEAD. */
public class PermanentFailure extends RuntimeException {

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

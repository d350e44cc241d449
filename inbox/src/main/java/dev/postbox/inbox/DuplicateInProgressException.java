package dev.postbox.inbox;

/**
 * The same key is being processed right now by another call (or this call lost its lease to another worker
 * and its work was rolled back). HTTP 409: retry later.
 */
public class DuplicateInProgressException extends InboxException {

    public DuplicateInProgressException(String scope, String key, String message) {
        super(scope, key, message, null);
    }

    @Override
    public int httpStatus() {
        return 409;
    }
}

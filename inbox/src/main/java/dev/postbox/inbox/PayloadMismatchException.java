package dev.postbox.inbox;

/** The key was already used with a different payload (another fingerprint). HTTP 422: never retried. */
public class PayloadMismatchException extends InboxException {

    public PayloadMismatchException(String scope, String key) {
        super(scope, key, "idempotency key '" + key + "' in scope '" + scope
                + "' was already used with a different payload; use a new key for a new request", null);
    }

    @Override
    public int httpStatus() {
        return 422;
    }
}

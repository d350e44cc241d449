package dev.postbox.inbox;

/** No idempotency key could be read from the call (e.g. no {@code Idempotency-Key} header). HTTP 400. */
public class MissingIdempotencyKeyException extends InboxException {

    public MissingIdempotencyKeyException(String scope, String message) {
        super(scope, null, message, null);
    }

    @Override
    public int httpStatus() {
        return 400;
    }
}

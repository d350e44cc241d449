package dev.postbox.common;

/**
 * A webhook that failed verification. The message says why and is safe to log: it never contains a secret
 * or a signature. Receivers usually answer 401 (signature) or 400 (malformed headers).
 */
public class WebhookVerificationException extends RuntimeException {

    /** Why verification failed. */
    public enum Reason {
        MISSING_HEADER,
        MALFORMED,
        TIMESTAMP_OUT_OF_TOLERANCE,
        SIGNATURE_MISMATCH
    }

    private final Reason reason;

    public WebhookVerificationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

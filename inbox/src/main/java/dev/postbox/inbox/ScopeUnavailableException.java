package dev.postbox.inbox;

import java.time.Instant;

/**
 * The scope is sparing the API behind its handler, so the handler was not called: its circuit breaker is open
 * (too many failures in a row; see {@link InboxScopeStatus}) or it is at its rate limit. Nothing was run.
 *
 * <p>Callers whose work can be recorded and retried by the scheduler get {@link ProcessingDeferredException}
 * instead (the record is kept and runs when the scope admits it), with this as its cause. This one is thrown as
 * such only to methods whose retries are left to the sender ({@code deferredRetries = false}): the sender must
 * deliver again after {@link #retryAt()}. HTTP 503 with {@code Retry-After}.
 */
public class ScopeUnavailableException extends InboxException {

    /** Why the handler was not called. */
    public enum Reason {
        /** The circuit breaker is OPEN (cooling down), or HALF_OPEN with its one probe running elsewhere. */
        CIRCUIT_OPEN,
        /** The scope is at {@code rate.max-concurrent} or {@code rate.max-per-second} on this instance. */
        RATE_LIMITED
    }

    private final Reason reason;
    private final Instant retryAt;

    public ScopeUnavailableException(String scope, String key, Reason reason, Instant retryAt, String message) {
        super(scope, key, message, null);
        this.reason = reason;
        this.retryAt = retryAt;
    }

    public Reason reason() {
        return reason;
    }

    /** When the scope may admit the call again (an estimate). */
    public Instant retryAt() {
        return retryAt;
    }

    @Override
    public int httpStatus() {
        return 503;
    }
}

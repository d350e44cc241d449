package dev.postbox.inbox;

import java.time.Instant;

/**
 * The work is safely recorded but not done yet: an attempt failed with a retryable error and the next attempt
 * is scheduled (or a duplicate arrived while it waits). Methods returning {@code void} return normally instead;
 * others throw this. HTTP 202 with {@code Retry-After}: ask again with the same key for the result.
 */
public class ProcessingDeferredException extends InboxException {

    private final int attempts;
    private final Instant nextAttemptAt;

    public ProcessingDeferredException(String scope, String key, int attempts, Instant nextAttemptAt,
            Throwable cause) {
        super(scope, key, "processing of key '" + key + "' in scope '" + scope + "' is deferred after " + attempts
                + " attempt(s); next attempt at " + nextAttemptAt
                + (cause == null ? "" : " (last failure: " + cause + ")"), cause);
        this.attempts = attempts;
        this.nextAttemptAt = nextAttemptAt;
    }

    public int attempts() {
        return attempts;
    }

    /** When the scheduler runs the next attempt, or null when unknown. */
    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }

    @Override
    public int httpStatus() {
        return 202;
    }
}

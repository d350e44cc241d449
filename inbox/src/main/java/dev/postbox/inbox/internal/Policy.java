package dev.postbox.inbox.internal;

import dev.postbox.common.Backoff;
import java.time.Duration;

/**
 * Resolved retry and retention options of one scope.
 *
 * @param retryOn failures that are retried (subclasses included)
 * @param abortOn failures never retried; wins over {@code retryOn}
 */
public record Policy(int maxAttempts, Backoff backoff, Duration retention, Class<?>[] retryOn, Class<?>[] abortOn) {

    private static final Class<?>[] ALL_EXCEPTIONS = {Exception.class};

    public Policy {
        retryOn = retryOn == null || retryOn.length == 0 ? ALL_EXCEPTIONS : retryOn.clone();
        abortOn = abortOn == null ? new Class<?>[0] : abortOn.clone();
    }

    /** Whether a failure is worth another attempt. */
    public boolean isRetryable(Throwable failure) {
        for (Class<?> type : abortOn) {
            if (type.isInstance(failure)) {
                return false;
            }
        }
        for (Class<?> type : retryOn) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }
}

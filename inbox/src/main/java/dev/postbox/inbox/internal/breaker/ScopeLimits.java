package dev.postbox.inbox.internal.breaker;

import java.time.Duration;

/**
 * How a scope spares the API behind its handler: a circuit breaker (open after {@code failureThreshold} transient
 * failures in a row, one probe after {@code coolDown}) and a rate limit ({@code maxConcurrent} handler calls at
 * once, {@code maxPerSecond} started in any one-second window, both per instance). Zero turns a part off.
 */
public record ScopeLimits(String scope, int failureThreshold, Duration coolDown, int maxConcurrent,
        int maxPerSecond) {

    public boolean breakerOn() {
        return failureThreshold > 0;
    }

    public boolean rateLimited() {
        return maxConcurrent > 0 || maxPerSecond > 0;
    }

    /** Whether anything is on: a scope with nothing on costs no statement and no lock. */
    public boolean any() {
        return breakerOn() || rateLimited();
    }
}

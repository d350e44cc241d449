package dev.postbox.inbox;

import java.time.Duration;
import java.time.Instant;

/**
 * The circuit breaker and rate limit of one scope ({@link InboxHistory#scopeStatus}): the breaker's state and
 * counts are shared by every instance (read from the database); the rate figures are this instance's.
 *
 * @param scope the scope
 * @param breaker the breaker's state; {@link Breaker#OFF} when the scope has no breaker configured
 * @param consecutiveFailures transient failures in a row (definite failures neither count nor reset)
 * @param failureThreshold failures in a row that open the scope (0: breaker off)
 * @param coolDown how long an open scope waits before its one probe
 * @param openedAt when it last opened, or null
 * @param openUntil until when it is OPEN (no attempts), or null when not open
 * @param opens how many times the scope has opened (a failed probe re-opens it)
 * @param probes how many probes were taken (one per cool-down that ended while attempts were waiting)
 * @param probing whether a probe attempt is running now (on any instance)
 * @param maxConcurrent the limit of handler calls at once on this instance (0: none)
 * @param maxPerSecond the limit of handler calls started per second on this instance (0: none)
 * @param running handler calls of the scope running now on this instance
 * @param callsInWindow handler calls this instance counts against {@code maxPerSecond} now: running, or ended
 *     within the last second (counted when limited)
 * @param deferred deliveries this instance deferred without calling the handler (breaker open or rate limit)
 *     since it started
 */
public record InboxScopeStatus(String scope, Breaker breaker, int consecutiveFailures, int failureThreshold,
        Duration coolDown, Instant openedAt, Instant openUntil, long opens, long probes, boolean probing,
        int maxConcurrent,
        int maxPerSecond, int running, int callsInWindow, long deferred) {

    /** States of a scope's circuit breaker. */
    public enum Breaker {
        /** No breaker configured for the scope. */
        OFF,
        /** Attempts run. */
        CLOSED,
        /** Cooling down: no attempts; due retries wait, new deliveries are deferred. */
        OPEN,
        /** Cool-down over: one probe attempt at a time; its success closes, its failure re-opens. */
        HALF_OPEN
    }
}

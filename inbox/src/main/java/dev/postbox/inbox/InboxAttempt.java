package dev.postbox.inbox;

import java.time.Instant;

/**
 * One finished attempt of an inbox record.
 *
 * @param attempt 1 for the first call
 * @param outcome COMPLETED, FAILED, DEAD, LEASE_EXPIRED (the worker vanished) or REPLAY (a person asked again)
 * @param error the failure, shortened; null when it succeeded
 */
public record InboxAttempt(int attempt, Instant startedAt, Instant endedAt, String outcome, String error) {
}

package dev.postbox.inbox;

import java.time.Duration;
import java.time.Instant;

/**
 * One run of a recorded {@link Steps step} of an inbox record.
 *
 * @param seq the step's position in the handler, from 1
 * @param name the step's name
 * @param outcome COMPLETED (its result is stored and reused) or FAILED (it runs again on the next attempt)
 * @param attempt the attempt of the record that ran it
 * @param startedAt when it began (database clock)
 * @param duration how long it ran
 * @param result the stored result as JSON (null for FAILED steps and steps without a result)
 * @param error the failure, shortened; null when it completed
 */
public record InboxStep(int seq, String name, String outcome, int attempt, Instant startedAt, Duration duration,
        String result, String error) {
}

package dev.postbox.relay.internal;

import dev.postbox.common.Backoff;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The relay's main promise as a pure function: after a failed delivery attempt, either retry the event after a
 * delay or park it as poison, and say whether the sink as a whole looks unavailable. No state, clock or I/O: the
 * pipeline keeps the counts and carries the decision out.
 *
 * <ul>
 *   <li><b>Park at once</b> when the sink called the failure permanent (the event itself can never be accepted).</li>
 *   <li><b>Park as poison</b> when the event failed {@code maxAttempts} times (the first attempt included) <em>and</em>
 *       at least one other event was acknowledged since its first failure: proof that the sink works and the
 *       problem is this event.</li>
 *   <li>Otherwise <b>retry</b> after {@code backoff.delayBeforeRetry(attempts)}; when nothing is acknowledged,
 *       however many attempts fail, nothing is parked: parking a whole outage as "poison" would be wrong. The sink
 *       <b>looks unavailable</b> once {@code max(3, maxAttempts)} attempts in a row failed with no success between.</li>
 * </ul>
 */
final class ParkingRule {

    /** Retries beyond this number all wait the capped delay; it only keeps {@code factor^n} finite. */
    private static final int MAX_RETRY_EXPONENT = 60;

    private final int maxAttempts;
    private final Backoff backoff;
    private final int outageThreshold;

    ParkingRule(int maxAttempts, Backoff backoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.outageThreshold = Math.max(3, maxAttempts);
    }

    /**
     * What the pipeline knows after one failed attempt of one event.
     *
     * @param attempts failed attempts of this event so far, this one included (at least 1)
     * @param permanent the sink reported that retrying cannot help
     * @param deliveredSinceFirstFailure events acknowledged since this event first failed
     * @param failuresInARow failed attempts of any event since the last acknowledgement, this one included
     */
    record Failure(int attempts, boolean permanent, long deliveredSinceFirstFailure, long failuresInARow) {
    }

    /** Retry the event later, or park it. */
    sealed interface Decision permits Park, Retry {
    }

    /** Park the event (and hold its aggregate's later events behind it). */
    record Park(boolean permanent) implements Decision {
        @Override
        public String toString() {
            return permanent ? "park (permanent error)" : "park (poison: others were delivered meanwhile)";
        }
    }

    /**
     * Send the event again after {@code delay}.
     *
     * @param sinkLooksDown true when so many attempts failed in a row that the sink itself is taken to be unavailable
     */
    record Retry(Duration delay, boolean sinkLooksDown) implements Decision {
    }

    Decision decide(Failure failure, DoubleSupplier random) {
        if (failure.permanent()) {
            return new Park(true);
        }
        if (failure.attempts() >= maxAttempts && failure.deliveredSinceFirstFailure() > 0) {
            return new Park(false);
        }
        return retry(failure, random);
    }

    /** The retry of a failure, also when a decided parking could not be carried out (the dead-letter table is down). */
    Retry retry(Failure failure, DoubleSupplier random) {
        Duration delay = backoff.delayBeforeRetry(Math.max(1, Math.min(failure.attempts(), MAX_RETRY_EXPONENT)), random);
        return new Retry(delay, failure.failuresInARow() >= outageThreshold);
    }

    int maxAttempts() {
        return maxAttempts;
    }
}

package dev.postbox.relay.internal;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * The events of one aggregate read from the log, delivered one at a time in order. Guarded by the pipeline's lock.
 */
final class Lane {

    final AggregateKey key;
    final ArrayDeque<PendingEvent> queue = new ArrayDeque<>();
    /** The aggregate is parked: entries here only wait to be written to the dead-letter table as WAITING. */
    boolean parked;
    /** The head was handed to the sink and has not answered yet. */
    boolean inFlight;
    /** A pending retry of the head (or of a WAITING write). */
    ScheduledFuture<?> retry;

    Lane(AggregateKey key) {
        this.key = key;
    }

    /** True when the head may be sent now. */
    boolean idle() {
        return !inFlight && retry == null && !queue.isEmpty();
    }
}

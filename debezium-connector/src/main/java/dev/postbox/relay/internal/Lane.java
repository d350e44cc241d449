package dev.postbox.relay.internal;

import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;

/**
 * The events of one aggregate, delivered one at a time in order: a replay's rows from the dead-letter table first,
 * then the events read from the log. Guarded by the pipeline's lock.
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
    /** A replay of the aggregate's dead-letter rows is under way (they are, or are being read, into the queue). */
    boolean replaying;
    /** The replay is reading (more) rows from the dead-letter table: nothing is sent meanwhile. */
    boolean loading;
    /** Rows replayed and deleted in the current replay. */
    int replayedCount;

    Lane(AggregateKey key) {
        this.key = key;
    }

    /** True when the head may be sent now. */
    boolean idle() {
        return !inFlight && retry == null && !loading && !queue.isEmpty();
    }

    /** Drops the replayed rows not yet sent (they stay in the dead-letter table). */
    void dropReplayedEntries() {
        queue.removeIf(PendingEvent::replayed);
    }
}

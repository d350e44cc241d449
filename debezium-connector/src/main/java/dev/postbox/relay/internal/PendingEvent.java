package dev.postbox.relay.internal;

import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayEvent;
import io.debezium.engine.RecordChangeEvent;
import java.time.Instant;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * One event on its way to the sink: either read from the log (it has a position in the {@link PositionWindow}) or
 * re-read from the dead-letter table for a replay (it has a row and no position). Guarded by the pipeline's lock.
 */
final class PendingEvent {

    /** The engine's record; null for a replayed event. */
    final RecordChangeEvent<SourceRecord> change;
    /** The dead-letter row being replayed; null for an event read from the log. */
    final ParkedEvent row;
    /** Null when the record is not an event (heartbeat, DELETE, unreadable row): resolved at once. */
    final RelayEvent event;
    Lane lane;
    boolean resolved;
    /** Failed attempts so far (in this replay, for a replayed event). */
    int attempts;
    long successesAtFirstFailure;
    Instant firstFailedAt;
    String lastError;
    /** The last row of a replay's read from the dead-letter table: after it, the table is read again. */
    boolean lastLoaded;

    private PendingEvent(RecordChangeEvent<SourceRecord> change, ParkedEvent row, RelayEvent event) {
        this.change = change;
        this.row = row;
        this.event = event;
    }

    static PendingEvent fromLog(RecordChangeEvent<SourceRecord> change, RelayEvent event) {
        return new PendingEvent(change, null, event);
    }

    static PendingEvent replayOf(ParkedEvent row) {
        return new PendingEvent(null, row, row.event());
    }

    boolean replayed() {
        return row != null;
    }
}

package dev.postbox.relay.internal;

import dev.postbox.relay.RelayEvent;
import io.debezium.engine.RecordChangeEvent;
import java.time.Instant;
import org.apache.kafka.connect.source.SourceRecord;

/** One record read from the log on its way to the sink; its position is in the {@link PositionWindow}. */
final class PendingEvent {

    final RecordChangeEvent<SourceRecord> change;
    /** Null when the record is not an event (heartbeat, DELETE, unreadable row): resolved at once. */
    final RelayEvent event;
    Lane lane;
    boolean resolved;
    /** Failed attempts so far. */
    int attempts;
    long successesAtFirstFailure;
    Instant firstFailedAt;
    String lastError;

    private PendingEvent(RecordChangeEvent<SourceRecord> change, RelayEvent event) {
        this.change = change;
        this.event = event;
    }

    static PendingEvent fromLog(RecordChangeEvent<SourceRecord> change, RelayEvent event) {
        return new PendingEvent(change, event);
    }
}

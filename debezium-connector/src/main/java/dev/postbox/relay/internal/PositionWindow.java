package dev.postbox.relay.internal;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.util.ArrayDeque;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records read from the log and not yet marked processed, in log order. A record is marked (so its position
 * may be flushed to the offset table and confirmed to the slot) only when it and every record before it are
 * resolved: a crash or a stop therefore redelivers, never loses. Guarded by the pipeline's lock.
 */
final class PositionWindow {

    private final ArrayDeque<PendingEvent> records = new ArrayDeque<>();
    /**
     * The engine's committer, kept to mark positions as soon as they are resolved, from whichever thread resolves
     * them (as Kafka Connect itself does from producer callbacks: marking only records an offset, the engine thread
     * flushes them in {@code markBatchFinished} and when it stops).
     */
    private DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer;

    void committer(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) {
        this.committer = committer;
    }

    void add(PendingEvent record) {
        records.add(record);
    }

    int size() {
        return records.size();
    }

    /** Marks every resolved record at the head of the window as processed. */
    void markResolvedPrefix() throws InterruptedException {
        if (committer == null) {
            return;
        }
        while (!records.isEmpty() && records.peek().resolved) {
            committer.markProcessed(records.poll().change);
        }
    }
}

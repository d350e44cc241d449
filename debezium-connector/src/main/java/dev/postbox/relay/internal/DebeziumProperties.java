package dev.postbox.relay.internal;

import java.util.Properties;

/**
 * The embedded engine's configuration: PostgreSQL connector with pgoutput, a publication filtered to the outbox
 * (and heartbeat) table, offsets in the database, small poll interval.
 */
final class DebeziumProperties {

    private DebeziumProperties() {
    }

    static Properties of(RelayConfig config) {
        RelayConfig.Connection db = config.connection();
        RelayConfig.Names n = config.names();
        RelayConfig.Intervals intervals = config.intervals();
        RelayConfig.Engine engine = config.engine();
        Properties p = new Properties();
        // engine
        p.setProperty("name", n.slotName());
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", n.slotName());
        p.setProperty("offset.flush.interval.ms", Long.toString(intervals.offsetFlush().toMillis()));
        p.setProperty("offset.flush.timeout.ms", "10000");
        // offsets in the database, next to the outbox; rows are filtered per engine name so that several relays
        // (slots) can share one table: the store deletes and rewrites "all" rows it sees on every flush
        String own = "starts_with(offset_key, '[\"" + n.slotName() + "\",')";
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", db.user());
        if (db.password() != null) {
            p.setProperty("offset.storage.jdbc.connection.password", db.password());
        }
        p.setProperty("offset.storage.jdbc.table.name", n.qualified(n.offsetTable()));
        p.setProperty("offset.storage.jdbc.table.ddl", "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT NULL, "
                + "offset_key VARCHAR(1255), offset_val VARCHAR(1255), record_insert_ts TIMESTAMP NOT NULL, "
                + "record_insert_seq INTEGER NOT NULL, PRIMARY KEY (id))");
        p.setProperty("offset.storage.jdbc.table.select", "SELECT id, offset_key, offset_val FROM %s WHERE " + own
                + " ORDER BY record_insert_ts, record_insert_seq");
        p.setProperty("offset.storage.jdbc.table.delete", "DELETE FROM %s WHERE " + own);
        p.setProperty("offset.storage.jdbc.connection.retry.max.attempts", "3");
        p.setProperty("offset.storage.jdbc.connection.wait.retry.delay.ms", "1000");

        // connector
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.dbname", db.database());
        p.setProperty("database.user", db.user());
        if (db.password() != null) {
            p.setProperty("database.password", db.password());
        }
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", n.slotName());
        p.setProperty("slot.drop.on.stop", "false"); // never: the slot holds the events not yet relayed
        p.setProperty("slot.max.retries", "30");
        p.setProperty("slot.retry.delay.ms", "1000"); // a taking-over instance waits for the old walsender to end
        p.setProperty("publication.name", n.publicationName());
        p.setProperty("publication.autocreate.mode", "filtered");
        String heartbeat = n.qualified(n.heartbeatTable());
        boolean heartbeats = !intervals.heartbeat().isZero();
        p.setProperty("table.include.list", n.qualifiedOutboxTable() + (heartbeats ? "," + heartbeat : ""));
        p.setProperty("snapshot.mode", engine.snapshotMode());
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("poll.interval.ms", Long.toString(intervals.poll().toMillis()));
        p.setProperty("max.batch.size", Integer.toString(engine.maxBatchSize()));
        p.setProperty("max.queue.size", Integer.toString(Math.max(engine.maxBatchSize() * 4, 8192)));
        // jsonb and uuid as text, timestamptz as ISO-8601 text: what the mapper expects
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        // retry connection losses to the database for ever (the relay is useless without it; it keeps its lock
        // on a separate connection and steps down if that one is lost)
        p.setProperty("errors.max.retries", "-1");
        p.setProperty("errors.retry.delay.initial.ms", "300");
        p.setProperty("errors.retry.delay.max.ms", "10000");
        // after a lost replication connection Debezium restarts its task after this pause (default 10 s, during
        // which nothing is delivered, measured by fault-injection); the database is usually back much sooner
        p.setProperty("retriable.restart.connector.wait.ms", "1000");
        if (heartbeats) {
            p.setProperty("heartbeat.interval.ms", Long.toString(intervals.heartbeat().toMillis()));
            p.setProperty("heartbeat.action.query", "INSERT INTO " + heartbeat + " (relay, beat_at) VALUES ('"
                    + n.slotName() + "', now()) ON CONFLICT (relay) DO UPDATE SET beat_at = excluded.beat_at");
        }
        // last: explicit pass-through settings win
        engine.debeziumProperties().forEach(p::setProperty);
        return p;
    }
}

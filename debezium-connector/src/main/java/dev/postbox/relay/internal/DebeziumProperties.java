package dev.postbox.relay.internal;

import dev.postbox.common.internal.dialect.Dialect;
import java.util.Properties;

/**
 * The embedded engine's configuration. PostgreSQL: connector with pgoutput, a publication filtered to the outbox (and
 * heartbeat) table. MariaDB: the binlog connector filtered to the outbox (and heartbeat) table, schema history in
 * the database. Both: offsets in the database, small poll interval, the relay's heartbeat.
 */
final class DebeziumProperties {

    private DebeziumProperties() {
    }

    static Properties of(RelayConfig config) {
        RelayConfig.Connection db = config.connection();
        RelayConfig.Names n = config.names();
        RelayConfig.Intervals intervals = config.intervals();
        RelayConfig.Engine engine = config.engine();
        Dialect dialect = db.dialect();
        boolean mariaDb = db.isMariaDb();
        Properties p = new Properties();
        // engine
        p.setProperty("name", n.slotName());
        p.setProperty("connector.class", mariaDb ? MARIADB_CONNECTOR : "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("topic.prefix", n.slotName());
        p.setProperty("offset.flush.interval.ms", Long.toString(intervals.offsetFlush().toMillis()));
        p.setProperty("offset.flush.timeout.ms", "10000");
        // offsets in the database, next to the outbox; rows are filtered per engine name so that several relays
        // (slots) can share one table: the store deletes and rewrites "all" rows it sees on every flush
        String own = dialect.relayOffsetRowsOf(n.slotName());
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", db.user());
        if (db.password() != null) {
            p.setProperty("offset.storage.jdbc.connection.password", db.password());
        }
        p.setProperty("offset.storage.jdbc.table.name", n.qualified(n.offsetTable()));
        p.setProperty("offset.storage.jdbc.table.ddl", dialect.relayOffsetTableDdl());
        p.setProperty("offset.storage.jdbc.table.select", "SELECT id, offset_key, offset_val FROM %s WHERE " + own
                + " ORDER BY record_insert_ts, record_insert_seq");
        p.setProperty("offset.storage.jdbc.table.delete", "DELETE FROM %s WHERE " + own);
        p.setProperty("offset.storage.jdbc.connection.retry.max.attempts", "3");
        p.setProperty("offset.storage.jdbc.connection.wait.retry.delay.ms", "1000");

        // connector
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.user", db.user());
        if (db.password() != null) {
            p.setProperty("database.password", db.password());
        }
        if (mariaDb) {
            mariaDb(p, config);
        } else {
            p.setProperty("database.dbname", db.database());
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("slot.name", n.slotName());
            p.setProperty("slot.drop.on.stop", "false"); // never: the slot holds the events not yet relayed
            p.setProperty("slot.max.retries", "30");
            p.setProperty("slot.retry.delay.ms", "1000"); // a taking-over instance waits for the old walsender to end
            p.setProperty("publication.name", n.publicationName());
            p.setProperty("publication.autocreate.mode", "filtered");
        }
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
            p.setProperty("heartbeat.action.query", dialect.relayHeartbeat(heartbeat, n.slotName()));
        }
        // last: explicit pass-through settings win
        engine.debeziumProperties().forEach(p::setProperty);
        return p;
    }

    static final String MARIADB_CONNECTOR = "io.debezium.connector.mariadb.MariaDbConnector";

    /**
     * MariaDB's binlog connector: a replica with its own server id, filtered to the outbox database and tables, the
     * table schemas it needs kept in the database (JdbcSchemaHistory) next to the offsets.
     */
    private static void mariaDb(Properties p, RelayConfig config) {
        RelayConfig.Names n = config.names();
        RelayConfig.Connection db = config.connection();
        p.setProperty("database.server.id", Long.toString(config.engine().serverIdFor(n.slotName())));
        p.setProperty("database.include.list", n.outboxSchema());
        p.setProperty("include.schema.changes", "false");
        // The schema snapshot (also with snapshot.mode=no_data) would otherwise hold a global read lock (FLUSH TABLES
        // WITH READ LOCK) while it writes the schema history into this same server: its own insert, and every
        // application write, waits for ever (seen in the spike). Safe while no DDL runs on the outbox table during
        // the snapshot, which lasts a moment (only the captured tables' schemas are read).
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory");
        p.setProperty("schema.history.internal.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("schema.history.internal.jdbc.connection.user", db.user());
        if (db.password() != null) {
            p.setProperty("schema.history.internal.jdbc.connection.password", db.password());
        }
        p.setProperty("schema.history.internal.jdbc.table.name", n.qualified(n.schemaHistoryTable()));
        // the built-in DDL's VARCHAR(65000) does not fit a utf8mb4 row in MariaDB's strict mode
        p.setProperty("schema.history.internal.jdbc.table.ddl", "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT "
                + "NULL, history_data MEDIUMTEXT, history_data_seq INTEGER, record_insert_ts TIMESTAMP(6) NOT NULL, "
                + "record_insert_seq INTEGER NOT NULL, PRIMARY KEY (id, history_data_seq))");
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        p.setProperty("schema.history.internal.store.only.captured.databases.ddl", "true");
        p.setProperty("connect.keep.alive", "true");
    }
}

package dev.postbox.common.internal.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every SQL statement Postbox runs on its own tables, for one database product (gruelbox transaction-outbox's
 * {@code Dialect} shape): one subclass per database, each spelling out only the statements and bindings that
 * differ. Chosen once from the data source's {@link java.sql.DatabaseMetaData} product name, or forced with
 * {@code postbox.dialect} ({@link Dialects}).
 *
 * <p>Table names handed to these methods are validated by the caller ({@code SqlIdentifiers}): they are
 * concatenated into SQL.
 *
 * <p>So far the outbox's statements live here; the relay's own tables (parked events, offsets, leader lock) and
 * the inbox follow.
 */
public abstract class Dialect {

    /** The value of {@code postbox.dialect} that selects this dialect, e.g. {@code postgresql}. */
    public abstract String key();

    /** The product as people name it, for messages. */
    public abstract String displayName();

    /**
     * The outbox insert, with eight parameters in this order: id (bind with {@link #bindUuid}), aggregatetype,
     * aggregateid, type, payload (JSON text or null), timestamp, headers (JSON text), tracingspancontext.
     */
    public abstract String outboxInsert(String table);

    /** Binds an outbox id in the column type this dialect's DDL gives it. */
    public abstract void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException;

    /** Binds an outbox timestamp in the column type this dialect's DDL gives it. */
    public abstract void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException;

    /** Deletes the outbox rows with these ids on {@code connection} (delete-after-insert), in one round trip. */
    public abstract void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException;

    /**
     * Whether a connection that reports auto-commit is nonetheless inside a transaction that will commit or roll
     * back as a whole. False unless the database says so: MariaDB's XA connections report auto-commit on inside an
     * {@code XA START} branch ({@code @@in_transaction}); Open Liberty's connection handles report it inside a global
     * transaction (PostgreSQL: a {@code SAVEPOINT} probe).
     */
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        return false;
    }

    /** Class-path location of the shipped outbox DDL for this database. */
    public abstract String outboxMigration();

    // ---- relay: the relay's own tables (parked events, offsets, heartbeat), its leader lock, lag and checks ----

    /** Class-path location of the shipped DDL of the relay's tables (postbox-debezium). */
    public abstract String relayMigration();

    /**
     * What keeps this server from feeding the relay (change log settings, the user's grants), each problem naming
     * the setting and the fix; empty when nothing was found.
     */
    public abstract List<String> relayServerProblems(Connection connection) throws SQLException;

    /** Whether {@code table} ({@code schema.table}) exists. */
    public abstract boolean relayTableExists(Connection connection, String table) throws SQLException;

    /**
     * Takes the relay's leader lock for {@code relay} (the slot name) on {@code connection}, without waiting. The lock
     * belongs to the connection's session: it is released when the connection closes, so the connection must be
     * the relay's own (never a pooled one returned while the lock is held).
     */
    public abstract boolean relayTryLock(Connection connection, String relay) throws SQLException;

    /** Who holds the leader lock of {@code relay}, for a log line; null when nobody does. */
    public abstract String relayLockHolder(Connection connection, String relay) throws SQLException;

    /**
     * The select list of a parked-event row, in this order: seq, status, event_id, aggregatetype, aggregateid,
     * type, payload (text), timestamp, headers (text), source_position, attempts, last_error, first_failed_at,
     * parked_at, replay_requested_at.
     */
    public abstract String relayParkedColumns();

    /**
     * Inserts a parked row unless the relay already parked that event, with 13 parameters: relay, status, event_id
     * ({@link #bindUuid}), aggregatetype, aggregateid, type, payload (JSON text or null), timestamp
     * ({@link #bindTimestamp}), headers (JSON text), source_position, attempts, last_error, first_failed_at.
     */
    public abstract String relayParkedInsert(String table);

    /** Marks a PARKED row for replay; parameters relay, event_id ({@link #bindUuid}). */
    public abstract String relayRequestReplay(String table);

    /**
     * Deletes a replayed row; when it was its aggregate's PARKED head, the aggregate's next row becomes the PARKED
     * head and inherits the replay request, atomically.
     */
    public abstract void relayDeleteReplayed(Connection connection, String table, long seq) throws SQLException;

    /** A replayed row failed again; parameters attempts, last_error, seq. */
    public abstract String relayReplayFailed(String table);

    /** Reads an id column written with {@link #bindUuid}. */
    public abstract UUID readUuid(java.sql.ResultSet rs, int column) throws SQLException;

    /** Reads a timestamp column of this dialect's relay tables; null stays null. */
    public abstract Instant readTimestamp(java.sql.ResultSet rs, int column) throws SQLException;

    /** Debezium's offset table ({@code JdbcOffsetBackingStore} layout), for its {@code table.ddl} setting. */
    public abstract String relayOffsetTableDdl();

    /** A condition on the offset table that keeps the rows of one relay (Debezium engine name = slot name). */
    public abstract String relayOffsetRowsOf(String relay);

    /** The statement Debezium's heartbeat runs ({@code heartbeat.action.query}): upserts the relay's row. */
    public abstract String relayHeartbeat(String table, String relay);

    /**
     * Bytes of change log the server wrote after the relay's confirmed position (PostgreSQL: WAL the slot retains;
     * MariaDB: binlog bytes after the position stored in the offset table); -1 when unknown (no slot or offset yet).
     */
    public abstract long relayLagBytes(Connection connection, String relay, String offsetTable) throws SQLException;

    /** The relay's confirmed position as text (an LSN, or binlog file:position), or null. */
    public abstract String relayConfirmedPosition(Connection connection, String relay, String offsetTable)
            throws SQLException;

    // ---- end of relay ----

    @Override
    public String toString() {
        return key();
    }
}

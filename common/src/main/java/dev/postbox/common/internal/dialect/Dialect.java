package dev.postbox.common.internal.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
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
 * <p>Four blocks: the outbox's statements, the inbox's (marked {@code inbox}), the relay's own tables, leader
 * lock, lag and start checks (marked {@code relay}) and the console's read-only queries (marked {@code console}).
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

    // ---------------------------------------------------------------------------------------------------- inbox
    // The inbox's statements (postbox-inbox: InboxStore, InboxQueries, BreakerStore, StepStore, InboxBacklog,
    // StoredTrace). Where both databases take the same text it is written here once; a statement whose shape
    // differs (the key lock, an UPDATE whose new values are read back, an insert that may meet its key) is a method
    // that runs it on the caller's connection. Every time is the database's clock.

    /** What {@link #inboxLockKeyAndFind} hands back: whether the key lock was taken, when, and the committed row. */
    @FunctionalInterface
    public interface KeyRead<T> {
        /** @param row positioned on the key's record, or null when there is none */
        T read(boolean locked, Instant lockedAt, ResultSet row) throws SQLException;
    }

    /** What a breaker's failure count did: the count now, and whether this failure opened the scope. */
    public record BreakerCount(int consecutiveFailures, boolean opened) {
    }

    /** Class-path locations of the shipped inbox DDL for this database, in the order to apply them. */
    public abstract List<String> inboxMigrations();

    /**
     * Checks, once, that this database can hold the inbox (version, table); throws an {@link IllegalStateException}
     * naming the database, the table and the fix when it cannot.
     */
    public void inboxCheck(Connection connection, String table) throws SQLException {
    }

    /** The id of an inbox, breaker or step row as Java reads it. */
    public abstract UUID inboxUuid(ResultSet rs, String column) throws SQLException;

    /** A time column of the inbox's tables, or null. */
    public abstract Instant inboxInstant(ResultSet rs, String column) throws SQLException;

    /** Binds an instant compared with, or stored into, a time column of the inbox's tables. */
    public abstract void inboxBindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException;

    /** The columns of an inbox row for the engine, with {@code lease_live} and {@code due} on the database's clock. */
    public abstract String inboxRowColumns();

    /** A SET fragment appending one finished attempt to {@code history}; parameters: outcome, error. */
    public abstract String inboxAppendHistory();

    /**
     * Inserts a new key IN_PROGRESS under a lease. Parameters: id, scope, key, fingerprint, max_attempts, lease
     * (ms), claim token, handler, arguments; each {@code %s} takes the optional traceparent column and parameter.
     */
    public abstract String inboxInsertClaimed(String table);

    /**
     * Inserts a first delivery's COMPLETED record. Parameters: id, scope, key, fingerprint, max_attempts,
     * started_at, handler, arguments, result, result_format, http_status, http_headers, retention (ms),
     * last_error, started_at, history error; {@code %s} twice as above.
     */
    public abstract String inboxInsertCompleted(String table);

    /**
     * Inserts a first delivery's FAILED or DEAD record. Parameters: id, scope, key, fingerprint, status,
     * max_attempts, started_at, handler, arguments, last_error, delay (ms or null) twice, started_at, status,
     * history error; {@code %s} twice as above.
     */
    public abstract String inboxInsertFailed(String table);

    /** Inserts a RECEIVED record due now. Parameters: id, scope, key, fingerprint, max_attempts, handler, arguments. */
    public abstract String inboxInsertReceived(String table);

    /** Runs an {@code inboxInsert*} statement: true when inserted, false when the (scope, key) had a record. */
    public abstract boolean inboxExecuteInsert(PreparedStatement insert, UUID id) throws SQLException;

    /** The database's clock now, as an SQL expression ({@code clock_timestamp()} on PostgreSQL). */
    public abstract String inboxNow();

    /**
     * Tries the key's lock without waiting, held until the transaction ends, then reads the key's committed row
     * with a read that starts after the lock was granted.
     */
    public abstract <T> T inboxLockKeyAndFind(Connection connection, String table, String scope, String key,
            KeyRead<T> read) throws SQLException;

    /** Waits for the key's lock, held until the transaction ends. */
    public abstract void inboxLockKey(Connection connection, String table, String scope, String key)
            throws SQLException;

    /** Maps a row read by {@link #inboxLockByKey}. */
    @FunctionalInterface
    public interface RowRead<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Reads and row-locks the record of a key; {@code read} gets the row, positioned, or null when there is none. */
    public <T> T inboxLockByKey(Connection connection, String table, String scope, String key, RowRead<T> read)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + inboxRowColumns() + " FROM " + table
                + " WHERE scope = ? AND idempotency_key = ? FOR UPDATE")) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return read.read(rs.next() ? rs : null);
            }
        }
    }

    /** Reads and row-locks a record by id. Parameter: id. */
    public String inboxLockById(String table) {
        return "SELECT " + inboxRowColumns() + " FROM " + table + " WHERE id = ? FOR UPDATE";
    }

    /**
     * Locks due retries and received records of {@code handlers} handlers, skipping locked rows; the handlers'
     * parameters come first ({@link #inboxBindHandlers}), then the limit.
     */
    public abstract String inboxLockDueRetries(String table, int handlers);

    /** As {@link #inboxLockDueRetries}, for IN_PROGRESS records whose lease ran out. */
    public abstract String inboxLockExpiredLeases(String table, int handlers);

    /** Binds the handler ids of {@link #inboxLockDueRetries}; returns the next parameter index. */
    public abstract int inboxBindHandlers(Connection connection, PreparedStatement ps, Collection<String> handlers)
            throws SQLException;

    /**
     * Starts an attempt. Parameters: token, lease (ms), [outcome, error when {@code appendHistory}], id. The history
     * entry is built from the row as it was.
     */
    public abstract String inboxClaim(String table, boolean appendHistory);

    /** Runs {@link #inboxClaim}; returns the record's attempts and max_attempts after it. */
    public abstract int[] inboxExecuteClaim(Connection connection, PreparedStatement claim, String table, UUID id)
            throws SQLException;

    /**
     * COMPLETED, fenced by the token. Parameters: result, result_format, http_status, http_headers, last_error,
     * retention (ms), outcome, error, id, token.
     */
    public abstract String inboxComplete(String table);

    /**
     * FAILED or DEAD, fenced by the token. Parameters: status, last_error, delay (ms or null) twice, outcome, error,
     * id, token.
     */
    public abstract String inboxFail(String table);

    /** DEAD without a claim. Parameters: last_error, outcome, error, id. */
    public abstract String inboxMarkDead(String table);

    /** A DEAD record's new budget. Parameters: status, extra attempts, scheduled (boolean), id. */
    public abstract String inboxReplay(String table);

    /** Deletes up to {@code batch} COMPLETED records past their retention, skipping locked ones. */
    public abstract int inboxPurgeExpired(Connection connection, String table, int batch) throws SQLException;

    /** The columns of an inbox record for people ({@code InboxRecord}). */
    public String inboxRecordColumns() {
        return "id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, locked_until, last_error, handler, result, http_status, created_at, "
                + "updated_at, completed_at, expires_at, history";
    }

    /** A record for people by id. Parameter: id. */
    public String inboxRecordById(String table) {
        return "SELECT " + inboxRecordColumns() + " FROM " + table + " WHERE id = ?";
    }

    /** A record for people by key. Parameters: scope, key. */
    public String inboxRecordByKey(String table) {
        return "SELECT " + inboxRecordColumns() + " FROM " + table + " WHERE scope = ? AND idempotency_key = ?";
    }

    /**
     * Records for people, newest first, up to {@code limit}. Parameters: the scope (when {@code byScope}), one per
     * status ({@code statuses} of them), the from and to times of {@code created_at} (when {@code from}, {@code to}).
     */
    public String inboxRecordList(String table, boolean byScope, int statuses, boolean from, boolean to, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + inboxRecordColumns() + " FROM " + table + " WHERE true");
        if (byScope) {
            sql.append(" AND scope = ?");
        }
        if (statuses > 0) {
            sql.append(" AND status IN (").append(String.join(", ", java.util.Collections.nCopies(statuses, "?")))
                    .append(')');
        }
        if (from) {
            sql.append(" AND created_at >= ?");
        }
        if (to) {
            sql.append(" AND created_at < ?");
        }
        return sql.append(" ORDER BY created_at DESC, id LIMIT ").append(limit).toString();
    }

    /** The stored traceparent of a record. Parameter: id. */
    public String inboxTraceparent(String table, String column) {
        return "SELECT " + column + " FROM " + table + " WHERE id = ?";
    }

    /** Per scope: due, overdue (due longer than {@code overdueMillis}) and DEAD records. */
    public abstract String inboxBacklog(String table, long overdueMillis);

    /** The breaker row's columns, with {@code cooling}, {@code remaining_ms} and {@code probing} computed now. */
    public abstract String inboxBreakerColumns();

    /** Creates a scope's breaker row unless it exists. Parameter: scope. */
    public abstract String inboxBreakerEnsure(String table);

    /** Counts a transient failure; a CLOSED scope whose count reaches {@code threshold} opens for the cool-down. */
    public abstract BreakerCount inboxBreakerFailed(Connection connection, String table, String scope, int threshold,
            long coolDownMillis) throws SQLException;

    /** Takes the probe. Parameters: token, lease (ms), scope. Run with {@link #inboxBreakerExecute}. */
    public abstract String inboxBreakerTakeProbe(String table);

    /** OPEN again after a failed probe. Parameters: cool-down (ms), scope, token. Run with {@link #inboxBreakerExecute}. */
    public abstract String inboxBreakerReopen(String table);

    /** Runs a breaker UPDATE of one scope; returns its failure count after it, or empty when no row changed. */
    public abstract Optional<Integer> inboxBreakerExecute(Connection connection, PreparedStatement update,
            String table, String scope) throws SQLException;

    /** A success in a CLOSED scope resets its count (no write when it is 0 already). Parameter: scope. */
    public String inboxBreakerSucceeded(String table) {
        return "UPDATE " + table + " SET consecutive_failures = 0, updated_at = " + inboxNow() + " "
                + "WHERE scope = ? AND state = 'CLOSED' AND consecutive_failures > 0";
    }

    /** The probe succeeded: CLOSED, count 0, if the probe is still the token's. Parameters: scope, token. */
    public String inboxBreakerClose(String table) {
        return "UPDATE " + table + " SET state = 'CLOSED', consecutive_failures = 0, open_until = NULL, "
                + "probe_token = NULL, probe_until = NULL, updated_at = " + inboxNow() + " "
                + "WHERE scope = ? AND probe_token = ?";
    }

    /** The probe told nothing: gives it back, if it is still the token's. Parameters: scope, token. */
    public String inboxBreakerRelease(String table) {
        return "UPDATE " + table + " SET probe_token = NULL, probe_until = NULL, updated_at = " + inboxNow()
                + " WHERE scope = ? AND probe_token = ?";
    }

    /** Inserts a step run. Parameters: scope, key, seq, name, status, attempt, result, error, duration (ms) twice. */
    public abstract String inboxStepInsert(String table, boolean unique);

    /** Runs {@link #inboxStepInsert}: false when a unique insert met a completed run of the step. */
    public abstract boolean inboxStepExecuteInsert(PreparedStatement insert, boolean unique) throws SQLException;

    /** A record's completed steps by position: seq, name, result. Parameters: scope, key. */
    public String inboxStepsCompleted(String table) {
        return "SELECT seq, name, result FROM " + table + " WHERE scope = ? AND idempotency_key = ? "
                + "AND status = 'COMPLETED' ORDER BY seq";
    }

    /** Every run of a record's steps ({@code seq > 0}), in order, or its progress row. Parameters: scope, key. */
    public String inboxStepsOf(String table, boolean progress, int progressSeq) {
        String columns = "seq, name, status, attempt, result, error, cursor_value, done, total, started_at, duration_ms";
        return "SELECT " + columns + " FROM " + table + " WHERE scope = ? AND idempotency_key = ? AND "
                + (progress ? "seq = " + progressSeq + " AND status = 'PROGRESS'" : "seq > 0 ORDER BY seq, id");
    }

    /** Saves a record's progress row. Parameters: scope, key, attempt, done, total, cursor. */
    public abstract String inboxStepSaveProgress(String table, int progressSeq);

    /** Deletes up to {@code batch} step rows older than the retention whose record is gone. */
    public abstract int inboxStepPurgeOrphans(Connection connection, String table, String inboxTable,
            long retentionMillis, int batch) throws SQLException;
    // -------------------------------------------------------------------------------------------- end of inbox

    @Override
    public String toString() {
        return key();
    }

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

    // ---- console: the console's read-only queries over the inbox, outbox and parked tables (postbox-console) ----

    /** A JSON column ({@code history}, {@code payload}) read as text. */
    public abstract String consoleJsonText(String column);

    /** The outbox's {@code timestamp} column, quoted as this database quotes identifiers, with an optional alias. */
    public abstract String consoleTimestampColumn(String alias);

    /**
     * {@code column} is one of {@code count} values, bound with {@link #consoleBindAnyOf}; false for no values.
     */
    public abstract String consoleAnyOf(String column, int count);

    /** Binds the values of {@link #consoleAnyOf} from {@code index}; returns the next parameter index. */
    public abstract int consoleBindAnyOf(Connection connection, PreparedStatement ps, int index, String[] values)
            throws SQLException;

    /**
     * The console's outbox rows, up to {@code where true}: each event with its newest parked row (when
     * {@code parked} is not null) and its first inbox record in one of {@code consumerScopes} consumer scopes
     * (parameters: those scopes, {@link #consoleBindAnyOf}); columns id, aggregatetype, aggregateid, type, payload
     * (text), timestamp, relay_status, relay_attempts, relay_error, parked_at, replay_requested_at, consumer,
     * consumer_status, consumer_attempts, consumer_error, status (PARKED, WAITING, DELIVERED or IN_FLIGHT).
     */
    public abstract String consoleOutboxRows(String outbox, String inbox, String parked, int consumerScopes);

    /** What the relay's lag measures on this database, for people. */
    public abstract String consoleRelayLag();

    // ---- end of console ----
}

package dev.postbox.common.internal.dialect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL 12+: {@code uuid} ids, {@code jsonb} payload and headers (cast from text on insert). */
final class PostgresDialect extends Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();
    private static final String NO_ACTIVE_SQL_TRANSACTION = "25P01";

    private PostgresDialect() {
    }

    @Override
    public String key() {
        return Dialects.POSTGRESQL;
    }

    @Override
    public String displayName() {
        return "PostgreSQL";
    }

    @Override
    public String outboxInsert(String table) {
        return "INSERT INTO " + table
                + " (id, aggregatetype, aggregateid, type, payload, \"timestamp\", headers, tracingspancontext)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)";
    }

    @Override
    public void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        statement.setObject(index, id);
    }

    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException {
        statement.setTimestamp(index, Timestamp.from(timestamp)); // timestamptz: the driver sends the offset
    }

    @Override
    public void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?)")) {
            Array array = connection.createArrayOf("uuid", ids.toArray(UUID[]::new));
            delete.setArray(1, array);
            delete.executeUpdate();
        }
    }

    /**
     * Open Liberty's connection handles report the auto-commit value the application asked for ({@code true} by
     * default) while Liberty runs the physical connection inside the global transaction ("the database ignores the
     * AutoCommit setting" there, from first use until the transaction ends). PostgreSQL tells: a {@code SAVEPOINT}
     * succeeds only inside a transaction block (SQLState 25P01 otherwise, with nothing changed), and is released at
     * once. Only asked when the handle says auto-commit, so other servers never pay for it.
     */
    @Override
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        try (Statement probe = connection.createStatement()) {
            probe.execute("SAVEPOINT postbox_enlistment_probe");
            probe.execute("RELEASE SAVEPOINT postbox_enlistment_probe");
            return true;
        } catch (SQLException e) {
            if (NO_ACTIVE_SQL_TRANSACTION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String outboxMigration() {
        return "db/postbox/V1_1__postbox_outbox.sql";
    }

    // ---------------------------------------------------------------------------------------------------- inbox
    /** Seed of the key hash for advisory locks, so Postbox's lock keys differ from other users' of hashtextextended. */
    private static final int INBOX_LOCK_SEED = 0x50b0;

    @Override
    public String inboxNow() {
        return "clock_timestamp()";
    }

    @Override
    public List<String> inboxMigrations() {
        return List.of("db/postbox/V1_2__postbox_inbox.sql", "db/postbox/V1_4__postbox_inbox_steps.sql",
                "db/postbox/V1_5__postbox_inbox_breaker.sql", "db/postbox/V1_6__postbox_inbox_traceparent.sql",
                "db/postbox/V1_7__postbox_inbox_created_idx.sql");
    }

    @Override
    public UUID inboxUuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    @Override
    public Instant inboxInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void inboxBindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, instant.atOffset(ZoneOffset.UTC));
    }

    @Override
    public String inboxRowColumns() {
        return "id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, claim_token, last_error, handler, arguments, result, result_format, "
                + "http_status, http_headers, "
                + "(locked_until IS NOT NULL AND locked_until > clock_timestamp()) AS lease_live, "
                + "(next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp()) AS due";
    }

    @Override
    public String inboxAppendHistory() {
        return "history = history || jsonb_build_array(jsonb_build_object("
                + "'attempt', attempts, 'startedAt', started_at, 'endedAt', clock_timestamp(), "
                + "'outcome', ?::text, 'error', ?::text))";
    }

    @Override
    public String inboxInsertClaimed(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, locked_until, claim_token, started_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'IN_PROGRESS', 1, ?, clock_timestamp() + ? * interval '1 millisecond', ?, "
                + "clock_timestamp(), ?, ?%s) ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
    }

    @Override
    public String inboxInsertCompleted(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, result, result_format, http_status, http_headers, "
                + "completed_at, expires_at, last_error, history%s) VALUES (?, ?, ?, ?, 'COMPLETED', 1, ?, ?, ?, ?, ?, "
                + "?, ?, ?::jsonb, clock_timestamp(), clock_timestamp() + ? * interval '1 millisecond', ?, "
                + "jsonb_build_array(jsonb_build_object('attempt', 1, 'startedAt', ?::timestamptz, "
                + "'endedAt', clock_timestamp(), 'outcome', 'COMPLETED', 'error', ?::text))%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
    }

    @Override
    public String inboxInsertFailed(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, last_error, next_attempt_at, history%s) "
                + "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, CASE WHEN ?::bigint IS NULL THEN NULL "
                + "ELSE clock_timestamp() + ?::bigint * interval '1 millisecond' END, "
                + "jsonb_build_array(jsonb_build_object('attempt', 1, 'startedAt', ?::timestamptz, "
                + "'endedAt', clock_timestamp(), 'outcome', ?::text, 'error', ?::text))%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
    }

    @Override
    public String inboxInsertReceived(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'RECEIVED', 0, ?, clock_timestamp(), ?, ?%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
    }

    @Override
    public boolean inboxExecuteInsert(PreparedStatement insert, UUID id) throws SQLException {
        try (ResultSet rs = insert.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * The key's transaction-scoped advisory lock without waiting, then the committed record: two statements sent in
     * one round trip. They must be two: the read needs a snapshot taken <em>after</em> the lock was granted, or a
     * record committed by the lock's previous holder (whose commit released the lock) would be missed.
     */
    @Override
    public <T> T inboxLockKeyAndFind(Connection connection, String table, String scope, String key, KeyRead<T> read)
            throws SQLException {
        String sql = "SELECT pg_try_advisory_xact_lock(hashtextextended(?, " + INBOX_LOCK_SEED + ")), "
                + "transaction_timestamp(); SELECT " + inboxRowColumns() + " FROM " + table
                + " WHERE scope = ? AND idempotency_key = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, scope + '\u001f' + key);
            ps.setString(2, scope);
            ps.setString(3, key);
            ps.execute();
            boolean locked;
            Instant started;
            try (ResultSet rs = ps.getResultSet()) {
                rs.next();
                locked = rs.getBoolean(1);
                started = rs.getObject(2, OffsetDateTime.class).toInstant();
            }
            if (!ps.getMoreResults()) {
                throw new SQLException("expected the record query's result after the key lock");
            }
            try (ResultSet rs = ps.getResultSet()) {
                return read.read(locked, started, rs.next() ? rs : null);
            }
        }
    }

    @Override
    public void inboxLockKey(Connection connection, String table, String scope, String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, " + INBOX_LOCK_SEED + "))")) {
            ps.setString(1, scope + '\u001f' + key);
            ps.execute();
        }
    }

    @Override
    public String inboxLockDueRetries(String table, int handlers) {
        return lockDue(table, "status IN ('RECEIVED', 'FAILED') "
                + "AND next_attempt_at <= clock_timestamp() ORDER BY next_attempt_at");
    }

    @Override
    public String inboxLockExpiredLeases(String table, int handlers) {
        return lockDue(table, "status = 'IN_PROGRESS' "
                + "AND locked_until < clock_timestamp() ORDER BY locked_until");
    }

    private String lockDue(String table, String condition) {
        return "SELECT " + inboxRowColumns() + " FROM " + table + " WHERE handler = ANY (?) AND " + condition
                + " LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    @Override
    public int inboxBindHandlers(Connection connection, PreparedStatement ps, Collection<String> handlers)
            throws SQLException {
        ps.setArray(1, connection.createArrayOf("varchar", handlers.toArray()));
        return 2;
    }

    /** PostgreSQL evaluates SET expressions against the old row, so one statement appends and advances. */
    @Override
    public String inboxClaim(String table, boolean appendHistory) {
        String history = appendHistory ? ", " + inboxAppendHistory() : "";
        return "UPDATE " + table + " SET status = 'IN_PROGRESS', attempts = attempts + 1, "
                + "claim_token = ?, locked_until = clock_timestamp() + ? * interval '1 millisecond', "
                + "started_at = clock_timestamp(), next_attempt_at = NULL, updated_at = clock_timestamp()" + history
                + " WHERE id = ? RETURNING attempts, max_attempts";
    }

    @Override
    public int[] inboxExecuteClaim(Connection connection, PreparedStatement claim, String table, UUID id)
            throws SQLException {
        try (ResultSet rs = claim.executeQuery()) {
            rs.next();
            return new int[] {rs.getInt(1), rs.getInt(2)};
        }
    }

    @Override
    public String inboxComplete(String table) {
        return "UPDATE " + table + " SET status = 'COMPLETED', result = ?, result_format = ?, http_status = ?, "
                + "http_headers = ?::jsonb, claim_token = NULL, locked_until = NULL, next_attempt_at = NULL, "
                + "last_error = ?, completed_at = clock_timestamp(), updated_at = clock_timestamp(), "
                + "expires_at = clock_timestamp() + ? * interval '1 millisecond', " + inboxAppendHistory()
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
    }

    @Override
    public String inboxFail(String table) {
        return "UPDATE " + table + " SET status = ?, last_error = ?, claim_token = NULL, locked_until = NULL, "
                + "next_attempt_at = CASE WHEN ?::bigint IS NULL THEN NULL "
                + "ELSE clock_timestamp() + ?::bigint * interval '1 millisecond' END, "
                + "updated_at = clock_timestamp(), " + inboxAppendHistory()
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
    }

    @Override
    public String inboxMarkDead(String table) {
        return "UPDATE " + table + " SET status = 'DEAD', last_error = ?, claim_token = NULL, "
                + "locked_until = NULL, next_attempt_at = NULL, updated_at = clock_timestamp(), "
                + inboxAppendHistory() + " WHERE id = ?";
    }

    @Override
    public String inboxReplay(String table) {
        return "UPDATE " + table + " SET status = ?, max_attempts = attempts + ?, "
                + "next_attempt_at = CASE WHEN ? THEN clock_timestamp() ELSE NULL END, updated_at = clock_timestamp(), "
                + "history = history || jsonb_build_array(jsonb_build_object('attempt', attempts, 'startedAt', "
                + "clock_timestamp(), 'endedAt', clock_timestamp(), 'outcome', 'REPLAY', 'error', NULL)) "
                + "WHERE id = ? AND status = 'DEAD'";
    }

    @Override
    public int inboxPurgeExpired(Connection connection, String table, int batch) throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                + " WHERE status = 'COMPLETED' AND expires_at < clock_timestamp() ORDER BY expires_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, batch);
            return ps.executeUpdate();
        }
    }

    @Override
    public String inboxBacklog(String table, long overdueMillis) {
        String dueAt = "CASE WHEN status = 'IN_PROGRESS' THEN locked_until ELSE next_attempt_at END";
        return "SELECT scope, "
                + "count(*) FILTER (WHERE status <> 'DEAD' AND " + dueAt + " <= clock_timestamp()), "
                + "count(*) FILTER (WHERE status <> 'DEAD' AND " + dueAt + " <= clock_timestamp() - "
                + overdueMillis + " * interval '1 millisecond'), "
                + "count(*) FILTER (WHERE status = 'DEAD') "
                + "FROM " + table + " WHERE status IN ('RECEIVED', 'FAILED', 'IN_PROGRESS', 'DEAD') GROUP BY scope";
    }

    @Override
    public String inboxBreakerColumns() {
        return "state, consecutive_failures, opened_at, open_until, opens, probes, "
                + "(open_until IS NOT NULL AND open_until > clock_timestamp()) AS cooling, "
                + "GREATEST(0, CEIL(EXTRACT(EPOCH FROM (open_until - clock_timestamp())) * 1000))::bigint AS remaining_ms, "
                + "(probe_token IS NOT NULL AND probe_until > clock_timestamp()) AS probing";
    }

    @Override
    public String inboxBreakerEnsure(String table) {
        return "INSERT INTO " + table + " (scope) VALUES (?) ON CONFLICT (scope) DO NOTHING";
    }

    /**
     * The SET expressions see the row as it was, RETURNING sees it as it is now: the scope was opened by this
     * statement when its {@code opened_at} is this transaction's start ({@code now()}; call it in a transaction of
     * its own).
     */
    @Override
    public BreakerCount inboxBreakerFailed(Connection connection, String table, String scope, int threshold,
            long coolDownMillis) throws SQLException {
        String opens = "(state = 'CLOSED' AND consecutive_failures + 1 >= ?)";
        String sql = "UPDATE " + table + " SET consecutive_failures = consecutive_failures + 1, "
                + "state = CASE WHEN " + opens + " THEN 'OPEN' ELSE state END, "
                + "opened_at = CASE WHEN " + opens + " THEN now() ELSE opened_at END, "
                + "open_until = CASE WHEN " + opens + " THEN now() + ? * interval '1 millisecond' "
                + "ELSE open_until END, "
                + "opens = opens + CASE WHEN " + opens + " THEN 1 ELSE 0 END, updated_at = clock_timestamp() "
                + "WHERE scope = ? RETURNING consecutive_failures, (state = 'OPEN' AND opened_at = now())";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, threshold);
            ps.setInt(2, threshold);
            ps.setInt(3, threshold);
            ps.setLong(4, coolDownMillis);
            ps.setInt(5, threshold);
            ps.setString(6, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new BreakerCount(rs.getInt(1), rs.getBoolean(2)) : new BreakerCount(0, false);
            }
        }
    }

    @Override
    public String inboxBreakerTakeProbe(String table) {
        return "UPDATE " + table + " SET state = 'HALF_OPEN', probe_token = ?, probes = probes + 1, "
                + "probe_until = clock_timestamp() + ? * interval '1 millisecond', updated_at = clock_timestamp() "
                + "WHERE scope = ? AND state IN ('OPEN', 'HALF_OPEN') AND open_until <= clock_timestamp() "
                + "AND (probe_token IS NULL OR probe_until <= clock_timestamp()) RETURNING consecutive_failures";
    }

    @Override
    public String inboxBreakerReopen(String table) {
        return "UPDATE " + table + " SET state = 'OPEN', consecutive_failures = consecutive_failures + 1, "
                + "opened_at = clock_timestamp(), open_until = clock_timestamp() + ? * interval '1 millisecond', "
                + "opens = opens + 1, probe_token = NULL, probe_until = NULL, updated_at = clock_timestamp() "
                + "WHERE scope = ? AND probe_token = ? RETURNING consecutive_failures";
    }

    @Override
    public Optional<Integer> inboxBreakerExecute(Connection connection, PreparedStatement update, String table,
            String scope) throws SQLException {
        try (ResultSet rs = update.executeQuery()) {
            return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
        }
    }

    @Override
    public String inboxStepInsert(String table, boolean unique) {
        return "INSERT INTO " + table + " (scope, idempotency_key, seq, name, status, attempt, result, error, "
                + "started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + "clock_timestamp() - ? * interval '1 millisecond', ?)"
                + (unique ? " ON CONFLICT (scope, idempotency_key, seq) WHERE status <> 'FAILED' DO NOTHING" : "");
    }

    @Override
    public boolean inboxStepExecuteInsert(PreparedStatement insert, boolean unique) throws SQLException {
        return insert.executeUpdate() == 1;
    }

    @Override
    public String inboxStepSaveProgress(String table, int progressSeq) {
        return "INSERT INTO " + table + " AS s (scope, idempotency_key, seq, name, status, attempt, done, total, "
                + "cursor_value, started_at, duration_ms) VALUES (?, ?, " + progressSeq
                + ", 'progress', 'PROGRESS', ?, ?, ?, ?, clock_timestamp(), 0) "
                + "ON CONFLICT (scope, idempotency_key, seq) WHERE status <> 'FAILED' DO UPDATE SET "
                + "attempt = EXCLUDED.attempt, started_at = EXCLUDED.started_at, "
                + "done = COALESCE(EXCLUDED.done, s.done), total = COALESCE(EXCLUDED.total, s.total), "
                + "cursor_value = COALESCE(EXCLUDED.cursor_value, s.cursor_value)";
    }

    @Override
    public int inboxStepPurgeOrphans(Connection connection, String table, String inboxTable, long retentionMillis,
            int batch) throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE id IN (SELECT s.id FROM " + table + " s WHERE s.started_at < "
                + "clock_timestamp() - ? * interval '1 millisecond' AND NOT EXISTS (SELECT 1 FROM " + inboxTable
                + " r WHERE r.scope = s.scope AND r.idempotency_key = s.idempotency_key) LIMIT ? "
                + "FOR UPDATE SKIP LOCKED)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, retentionMillis);
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }
    // -------------------------------------------------------------------------------------------- end of inbox


    // ---- relay ----

    /** First half of the relay's two-int advisory-lock key: 'post' in ASCII, recognisable in pg_locks. */
    private static final int RELAY_LOCK_CLASS_ID = 0x706f7374;

    private static int relayLockObjectId(String relay) {
        return ("postbox-relay:" + relay).hashCode(); // String.hashCode is specified: stable everywhere
    }

    @Override
    public String relayMigration() {
        return "db/postbox/V1_3__postbox_relay.sql";
    }

    @Override
    public java.util.List<String> relayServerProblems(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); java.sql.ResultSet rs = s.executeQuery("show wal_level")) {
            String walLevel = rs.next() ? rs.getString(1) : null;
            if (!"logical".equals(walLevel)) {
                return java.util.List.of("wal_level is '" + walLevel + "', the relay needs logical decoding: set "
                        + "wal_level=logical (postgresql.conf, or ALTER SYSTEM SET wal_level = logical) and restart "
                        + "PostgreSQL");
            }
        }
        return java.util.List.of();
    }

    @Override
    public boolean relayTableExists(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select to_regclass(?)")) {
            ps.setString(1, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) != null;
            }
        }
    }

    @Override
    public boolean relayTryLock(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, RELAY_LOCK_CLASS_ID);
            ps.setInt(2, relayLockObjectId(relay));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public String relayLockHolder(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select a.pid, a.application_name, host(a.client_addr), a.backend_start from pg_locks l "
                        + "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
                        + "and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(RELAY_LOCK_CLASS_ID));
            ps.setLong(2, Integer.toUnsignedLong(relayLockObjectId(relay)));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "backend pid " + rs.getInt(1) + " (" + rs.getString(2) + ", from "
                            + (rs.getString(3) == null ? "local socket" : rs.getString(3)) + ", connected since "
                            + rs.getTimestamp(4).toInstant() + ")";
                }
            }
        }
        return null;
    }

    @Override
    public String relayParkedColumns() {
        return "seq, status, event_id, aggregatetype, aggregateid, type, payload::text, \"timestamp\", headers::text, "
                + "source_position, attempts, last_error, first_failed_at, parked_at, replay_requested_at";
    }

    @Override
    public String relayParkedInsert(String table) {
        return "insert into " + table
                + " (relay, status, event_id, aggregatetype, aggregateid, type, payload, \"timestamp\", headers, "
                + "source_position, attempts, last_error, first_failed_at) "
                + "values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?) on conflict (relay, event_id) do nothing";
    }

    @Override
    public String relayRequestReplay(String table) {
        return "update " + table
                + " set replay_requested_at = now() where relay = ? and event_id = ? and status = 'PARKED'";
    }

    /** One statement: the UPDATE sees the table as it was before the DELETE (one snapshot), hence "n.seq <> gone.seq". */
    @Override
    public void relayDeleteReplayed(Connection connection, String table, long seq) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("with gone as (delete from " + table
                + " where seq = ? returning seq, relay, aggregatetype, aggregateid, status, replay_requested_at) "
                + "update " + table + " t set status = 'PARKED', replay_requested_at = gone.replay_requested_at "
                + "from gone where gone.status = 'PARKED' and t.seq = (select min(n.seq) from " + table + " n "
                + "where n.relay = gone.relay and n.aggregatetype = gone.aggregatetype "
                + "and n.aggregateid = gone.aggregateid and n.seq <> gone.seq)")) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        }
    }

    @Override
    public String relayReplayFailed(String table) {
        return "update " + table
                + " set status = 'PARKED', attempts = ?, last_error = ?, replay_requested_at = null, "
                + "first_failed_at = coalesce(first_failed_at, now()) where seq = ?";
    }

    @Override
    public UUID readUuid(java.sql.ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    @Override
    public Instant readTimestamp(java.sql.ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    @Override
    public String relayOffsetTableDdl() {
        return "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT NULL, "
                + "offset_key VARCHAR(1255), offset_val VARCHAR(1255), record_insert_ts TIMESTAMP NOT NULL, "
                + "record_insert_seq INTEGER NOT NULL, PRIMARY KEY (id))";
    }

    @Override
    public String relayOffsetRowsOf(String relay) {
        return "starts_with(offset_key, '[\"" + relay + "\",')";
    }

    @Override
    public String relayHeartbeat(String table, String relay) {
        return "INSERT INTO " + table + " (relay, beat_at) VALUES ('" + relay + "', now()) "
                + "ON CONFLICT (relay) DO UPDATE SET beat_at = excluded.beat_at";
    }

    @Override
    public long relayLagBytes(Connection connection, String relay, String offsetTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select (pg_current_wal_lsn() - coalesce(confirmed_flush_lsn, restart_lsn))::bigint "
                        + "from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, relay);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
            }
        }
    }

    @Override
    public String relayConfirmedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select confirmed_flush_lsn::text from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, relay);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ---- end of relay ----

    // ---- console ----

    @Override
    public String consoleJsonText(String column) {
        return column + "::text";
    }

    @Override
    public String consoleTimestampColumn(String alias) {
        return (alias == null ? "" : alias + ".") + "\"timestamp\"";
    }

    @Override
    public String consoleAnyOf(String column, int count) {
        return column + " = any(?)";
    }

    @Override
    public int consoleBindAnyOf(Connection connection, PreparedStatement ps, int index, String[] values)
            throws SQLException {
        ps.setArray(index, connection.createArrayOf("varchar", values));
        return index + 1;
    }

    @Override
    public String consoleOutboxRows(String outbox, String inbox, String parked, int consumerScopes) {
        String parkedColumns = parked == null
                ? "null::varchar as relay_status, null::int as relay_attempts, null::text as relay_error, "
                        + "null::timestamptz as parked_at, null::timestamptz as replay_requested_at"
                : "p.status as relay_status, p.attempts as relay_attempts, p.last_error as relay_error, "
                        + "p.parked_at, p.replay_requested_at";
        String parkedJoin = parked == null ? ""
                : " left join lateral (select status, attempts, last_error, parked_at, replay_requested_at from "
                        + parked + " where event_id = o.id order by seq desc limit 1) p on true";
        return "select o.id, o.aggregatetype, o.aggregateid, o.type, "
                + "o.payload::text as payload, o.\"timestamp\", " + parkedColumns + ", "
                + "c.scope as consumer, c.status as consumer_status, c.attempts as consumer_attempts, "
                + "c.last_error as consumer_error, "
                + "case when " + (parked == null ? "false" : "p.status is not null") + " then "
                + (parked == null ? "null" : "p.status") + " when c.scope is not null then 'DELIVERED' "
                + "else 'IN_FLIGHT' end as status from " + outbox + " o" + parkedJoin
                + " left join lateral (select i.scope, i.status, i.attempts, i.last_error from " + inbox
                + " i where i.scope = any(?) and i.idempotency_key = o.id::text order by i.created_at limit 1) c"
                + " on true where true";
    }

    @Override
    public String consoleRelayLag() {
        return "bytes of WAL the relay's replication slot retains";
    }
}

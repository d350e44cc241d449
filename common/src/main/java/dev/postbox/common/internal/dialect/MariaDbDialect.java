package dev.postbox.common.internal.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * MariaDB 10.6+: ids as {@code CHAR(36)} text (what Debezium's EventRouter and every consumer read as the event
 * id, unchanged), payload and headers in {@code JSON} columns (MariaDB's {@code JSON} is {@code LONGTEXT} with a
 * {@code JSON_VALID} check, so malformed JSON is refused by the database as with PostgreSQL's {@code jsonb}),
 * timestamps as {@code DATETIME(6)} holding UTC ({@link #bindTimestamp}).
 */
final class MariaDbDialect extends Dialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
    }

    @Override
    public String key() {
        return Dialects.MARIADB;
    }

    @Override
    public String displayName() {
        return "MariaDB";
    }

    @Override
    public String outboxInsert(String table) {
        return "INSERT INTO " + table
                + " (id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, tracingspancontext)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    public void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        statement.setString(index, id.toString());
    }

    /**
     * {@code DATETIME(6)} holds no zone: the instant is bound as its UTC wall-clock time, so the stored value does
     * not depend on the JVM's or the session's time zone (a {@code java.sql.Timestamp} would be sent in the JVM's).
     * Debezium's MySQL/MariaDB connectors read {@code DATETIME} as UTC epoch microseconds, which is what the
     * relay expects.
     */
    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException {
        statement.setObject(index, LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC));
    }

    @Override
    public void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException {
        String in = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id IN (" + in
                + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                bindUuid(delete, i + 1, ids.get(i));
            }
            delete.executeUpdate();
        }
    }

    /**
     * MariaDB's driver leaves auto-commit on when an XA branch starts ({@code XA START}), although every statement
     * then belongs to the XA transaction; {@code @@in_transaction} tells. A connection outside any transaction
     * reads 0, so it is still refused.
     */
    @Override
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@in_transaction")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    @Override
    public String outboxMigration() {
        return "db/mariadb/postbox/V1_1__postbox_outbox.sql";
    }

    // ---------------------------------------------------------------------------------------------------- inbox
    private static final String NOW = "UTC_TIMESTAMP(6)";
    private static final int DUPLICATE_KEY = 1062;
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    /** A time as the ISO-8601 text PostgreSQL's jsonb gives it (the history's JSON), {@code %} doubled for format. */
    private static String iso(String expression) {
        return "DATE_FORMAT(" + expression + ", '%Y-%m-%dT%H:%i:%s.%fZ')";
    }

    private static String isoFormatted(String expression) {
        return iso(expression).replace("%", "%%");
    }

    private static String plusMillis(String time, String millis) {
        return time + " + INTERVAL (" + millis + " * 1000) MICROSECOND";
    }

    /** The key lock's table: one row per key ever locked, beside the inbox table. */
    private static String lockTable(String table) {
        return table + "_lock";
    }

    private static byte[] lockKey(String scope, String key) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest((scope + '\u001f' + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public List<String> inboxMigrations() {
        return List.of("db/mariadb/postbox/V1_2__postbox_inbox.sql", "db/mariadb/postbox/V1_4__postbox_inbox_steps.sql",
                "db/mariadb/postbox/V1_5__postbox_inbox_breaker.sql",
                "db/mariadb/postbox/V1_6__postbox_inbox_traceparent.sql",
                "db/mariadb/postbox/V1_7__postbox_inbox_created_idx.sql");
    }

    /** MariaDB 10.6 is the first with {@code SKIP LOCKED}; the inbox table and its lock table must exist. */
    @Override
    public void inboxCheck(Connection connection, String table) throws SQLException {
        java.sql.DatabaseMetaData meta = connection.getMetaData();
        int major = meta.getDatabaseMajorVersion();
        int minor = meta.getDatabaseMinorVersion();
        if (major < 10 || (major == 10 && minor < 6)) {
            throw new IllegalStateException("the Postbox inbox needs MariaDB 10.6 or later (FOR UPDATE SKIP LOCKED "
                    + "claims due records), but the database of postbox.inbox.datasource is "
                    + meta.getDatabaseProductVersion() + ": upgrade the server");
        }
        // through the metadata, never by a statement: a read here would take the transaction's snapshot before the
        // key lock (the caller's first delivery), and a failed one would be logged by pools
        for (String t : List.of(table, lockTable(table))) {
            int dot = t.indexOf('.');
            String catalog = dot < 0 ? connection.getCatalog() : t.substring(0, dot);
            try (ResultSet rs = meta.getTables(catalog, null, t.substring(dot + 1), null)) {
                if (!rs.next()) {
                    throw new IllegalStateException("the Postbox inbox table " + t + " does not exist in the MariaDB "
                            + "database " + catalog + " of postbox.inbox.datasource: apply the scripts under "
                            + "db/mariadb/postbox/ shipped in postbox-inbox (V1_2, V1_4 to V1_7; Flyway locations="
                            + "classpath:db/mariadb/postbox), or set postbox.inbox.table to the table you created");
                }
            }
        }
    }

    @Override
    public UUID inboxUuid(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : UUID.fromString(text);
    }

    @Override
    public Instant inboxInstant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public void inboxBindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        bindTimestamp(ps, index, instant);
    }

    @Override
    public String inboxRowColumns() {
        return "id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, claim_token, last_error, handler, arguments, result, result_format, "
                + "http_status, http_headers, "
                + "(locked_until IS NOT NULL AND locked_until > " + NOW + ") AS lease_live, "
                + "(next_attempt_at IS NULL OR next_attempt_at <= " + NOW + ") AS due";
    }

    /** Must come before any assignment that changes {@code attempts} or {@code started_at}: MariaDB assigns in order. */
    @Override
    public String inboxAppendHistory() {
        return "history = JSON_ARRAY_APPEND(history, '$', JSON_OBJECT('attempt', attempts, 'startedAt', "
                + iso("started_at") + ", 'endedAt', " + iso(NOW) + ", 'outcome', ?, 'error', ?))";
    }

    /**
     * Inserts that may meet their key are plain inserts whose duplicate-key error (1062, which rolls back the
     * statement only) means "exists". Not {@code INSERT IGNORE} (it would also turn a too long value into a
     * warning) nor {@code ON DUPLICATE KEY UPDATE}: on a unique secondary index that takes exclusive gap locks even
     * for a new key, and concurrent first deliveries of neighbouring keys then deadlock (measured: 16 at once). Every
     * such insert runs under the key lock, so a duplicate is a committed record, never a racing insert.
     */
    private static final String IF_ABSENT = "";

    @Override
    public String inboxInsertClaimed(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, locked_until, claim_token, started_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'IN_PROGRESS', 1, ?, " + plusMillis(NOW, "?") + ", ?, " + NOW + ", ?, ?%s)"
                + IF_ABSENT;
    }

    @Override
    public String inboxInsertCompleted(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, result, result_format, http_status, http_headers, "
                + "completed_at, expires_at, last_error, history%s) VALUES (?, ?, ?, ?, 'COMPLETED', 1, ?, ?, ?, ?, ?, "
                + "?, ?, ?, " + NOW + ", " + plusMillis(NOW, "?") + ", ?, "
                + "JSON_ARRAY(JSON_OBJECT('attempt', 1, 'startedAt', " + isoFormatted("?") + ", "
                + "'endedAt', " + isoFormatted(NOW) + ", 'outcome', 'COMPLETED', 'error', ?))%s)" + IF_ABSENT;
    }

    @Override
    public String inboxInsertFailed(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, last_error, next_attempt_at, history%s) "
                + "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL "
                + "ELSE " + plusMillis(NOW, "?") + " END, "
                + "JSON_ARRAY(JSON_OBJECT('attempt', 1, 'startedAt', " + isoFormatted("?") + ", "
                + "'endedAt', " + isoFormatted(NOW) + ", 'outcome', ?, 'error', ?))%s)" + IF_ABSENT;
    }

    @Override
    public String inboxInsertReceived(String table) {
        return "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'RECEIVED', 0, ?, " + NOW + ", ?, ?%s)" + IF_ABSENT;
    }

    @Override
    public boolean inboxExecuteInsert(PreparedStatement insert, UUID id) throws SQLException {
        try {
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String inboxNow() {
        return NOW;
    }

    /**
     * The key lock is an InnoDB row lock on the key's row in {@code <table>_lock} (its SHA-256 as primary key),
     * taken by an {@code INSERT ... ON DUPLICATE KEY UPDATE}: a new key inserts the row, a known key locks the
     * existing one exclusively (a record lock on the primary key, no gap lock). InnoDB releases row locks when the
     * transaction commits or rolls back, and only then: nothing is left on the connection, pooled or not. The try
     * form runs with {@code innodb_lock_wait_timeout = 0} for this statement only (MariaDB's NOWAIT), so a lock
     * held by a running first delivery answers "locked" at once (error 1205, which rolls back this statement only).
     * The read that follows is the transaction's first consistent read, so its snapshot is taken after the lock.
     */
    @Override
    public <T> T inboxLockKeyAndFind(Connection connection, String table, String scope, String key, KeyRead<T> read)
            throws SQLException {
        boolean locked = true;
        try (PreparedStatement ps = connection.prepareStatement("SET STATEMENT innodb_lock_wait_timeout = 0 FOR "
                + lockStatement(table))) {
            ps.setBytes(1, lockKey(scope, key));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() != LOCK_WAIT_TIMEOUT) {
                throw e;
            }
            locked = false;
        }
        String sql = "SELECT n.locked_at, r.* FROM (SELECT " + NOW + " AS locked_at) n LEFT JOIN (SELECT "
                + inboxRowColumns() + " FROM " + table + " WHERE scope = ? AND idempotency_key = ?) r ON 1 = 1";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Instant at = inboxInstant(rs, "locked_at");
                return read.read(locked, at, rs.getString("id") == null ? null : rs);
            }
        }
    }

    private static String lockStatement(String table) {
        return "INSERT INTO " + lockTable(table) + " (lock_key) VALUES (?) ON DUPLICATE KEY UPDATE lock_key = lock_key";
    }

    @Override
    public void inboxLockKey(Connection connection, String table, String scope, String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(lockStatement(table))) {
            ps.setBytes(1, lockKey(scope, key));
            ps.executeUpdate();
        }
    }

    /**
     * A plain read finds the key's record, then it is locked by id: a locking read of a key that has no record
     * would take a gap lock on the unique index, and concurrent deliveries of new keys that then insert into the
     * same gap deadlock (measured: 16 deferred deliveries at once). Callers hold the key's lock, so the record
     * cannot appear in between; the row read under the lock is the latest committed one.
     */
    @Override
    public <T> T inboxLockByKey(Connection connection, String table, String scope, String key, RowRead<T> read)
            throws SQLException {
        String id = null;
        try (PreparedStatement ps = connection.prepareStatement("SELECT id FROM " + table
                + " WHERE scope = ? AND idempotency_key = ?")) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getString(1);
                }
            }
        }
        if (id == null) {
            return read.read(null);
        }
        try (PreparedStatement ps = connection.prepareStatement(inboxLockById(table))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return read.read(rs.next() ? rs : null);
            }
        }
    }

    @Override
    public String inboxLockDueRetries(String table, int handlers) {
        return lockDue(table, handlers, "status IN ('RECEIVED', 'FAILED') AND next_attempt_at <= " + NOW
                + " ORDER BY next_attempt_at");
    }

    @Override
    public String inboxLockExpiredLeases(String table, int handlers) {
        return lockDue(table, handlers, "status = 'IN_PROGRESS' AND locked_until < " + NOW + " ORDER BY locked_until");
    }

    private String lockDue(String table, int handlers, String condition) {
        return "SELECT " + inboxRowColumns() + " FROM " + table + " WHERE handler IN ("
                + String.join(", ", Collections.nCopies(handlers, "?")) + ") AND " + condition
                + " LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    @Override
    public int inboxBindHandlers(Connection connection, PreparedStatement ps, Collection<String> handlers)
            throws SQLException {
        int i = 1;
        for (String handler : handlers) {
            ps.setString(i++, handler);
        }
        return i;
    }

    /** The history entry is assigned before attempts and started_at change (MariaDB assigns left to right). */
    @Override
    public String inboxClaim(String table, boolean appendHistory) {
        String history = appendHistory ? inboxAppendHistory() + ", " : "";
        return "UPDATE " + table + " SET status = 'IN_PROGRESS', "
                + "claim_token = ?, locked_until = " + plusMillis(NOW, "?") + ", " + history
                + "attempts = attempts + 1, started_at = " + NOW + ", next_attempt_at = NULL, updated_at = " + NOW
                + " WHERE id = ?";
    }

    @Override
    public int[] inboxExecuteClaim(Connection connection, PreparedStatement claim, String table, UUID id)
            throws SQLException {
        claim.executeUpdate();
        try (PreparedStatement ps = connection.prepareStatement("SELECT attempts, max_attempts FROM " + table
                + " WHERE id = ?")) {
            bindUuid(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    @Override
    public String inboxComplete(String table) {
        return "UPDATE " + table + " SET status = 'COMPLETED', result = ?, result_format = ?, http_status = ?, "
                + "http_headers = ?, claim_token = NULL, locked_until = NULL, next_attempt_at = NULL, "
                + "last_error = ?, completed_at = " + NOW + ", updated_at = " + NOW + ", "
                + "expires_at = " + plusMillis(NOW, "?") + ", " + inboxAppendHistory()
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
    }

    @Override
    public String inboxFail(String table) {
        return "UPDATE " + table + " SET status = ?, last_error = ?, claim_token = NULL, locked_until = NULL, "
                + "next_attempt_at = CASE WHEN ? IS NULL THEN NULL ELSE " + plusMillis(NOW, "?") + " END, "
                + "updated_at = " + NOW + ", " + inboxAppendHistory()
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
    }

    @Override
    public String inboxMarkDead(String table) {
        return "UPDATE " + table + " SET status = 'DEAD', last_error = ?, claim_token = NULL, "
                + "locked_until = NULL, next_attempt_at = NULL, updated_at = " + NOW + ", "
                + inboxAppendHistory() + " WHERE id = ?";
    }

    @Override
    public String inboxReplay(String table) {
        return "UPDATE " + table + " SET status = ?, max_attempts = attempts + ?, "
                + "next_attempt_at = CASE WHEN ? THEN " + NOW + " ELSE NULL END, updated_at = " + NOW + ", "
                + "history = JSON_ARRAY_APPEND(history, '$', JSON_OBJECT('attempt', attempts, 'startedAt', "
                + iso(NOW) + ", 'endedAt', " + iso(NOW) + ", 'outcome', 'REPLAY', 'error', NULL)) "
                + "WHERE id = ? AND status = 'DEAD'";
    }

    /**
     * MariaDB cannot delete from a table it selects from in a subquery, nor take LIMIT inside IN: the rows are
     * locked (skipping locked ones) and read first, then deleted by id, and so are their keys' lock rows, by primary
     * key (record locks only, so no first delivery of another key waits for the purge).
     */
    @Override
    public int inboxPurgeExpired(Connection connection, String table, int batch) throws SQLException {
        List<String> ids = new java.util.ArrayList<>();
        List<byte[]> keys = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, scope, idempotency_key FROM " + table
                + " WHERE status = 'COMPLETED' AND expires_at < " + NOW + " ORDER BY expires_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED")) {
            ps.setInt(1, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                    keys.add(lockKey(rs.getString(2), rs.getString(3)));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        int deleted = deleteIn(connection, "DELETE FROM " + table + " WHERE id IN ", ids);
        List<byte[]> present = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT lock_key FROM " + lockTable(table)
                + " WHERE lock_key IN (" + String.join(", ", Collections.nCopies(keys.size(), "?")) + ")")) {
            for (int i = 0; i < keys.size(); i++) {
                ps.setBytes(i + 1, keys.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getBytes(1));
                }
            }
        }
        if (!present.isEmpty()) {
            deleteIn(connection, "DELETE FROM " + lockTable(table) + " WHERE lock_key IN ", present);
        }
        return deleted;
    }

    private static int deleteIn(Connection connection, String delete, List<?> values) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(delete + "("
                + String.join(", ", Collections.nCopies(values.size(), "?")) + ")")) {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            return ps.executeUpdate();
        }
    }

    @Override
    public String inboxBacklog(String table, long overdueMillis) {
        String dueAt = "CASE WHEN status = 'IN_PROGRESS' THEN locked_until ELSE next_attempt_at END";
        return "SELECT scope, "
                + "SUM(CASE WHEN status <> 'DEAD' AND " + dueAt + " <= " + NOW + " THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN status <> 'DEAD' AND " + dueAt + " <= " + NOW + " - INTERVAL (" + overdueMillis
                + " * 1000) MICROSECOND THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN status = 'DEAD' THEN 1 ELSE 0 END) "
                + "FROM " + table + " WHERE status IN ('RECEIVED', 'FAILED', 'IN_PROGRESS', 'DEAD') GROUP BY scope";
    }

    @Override
    public String inboxBreakerColumns() {
        return "state, consecutive_failures, opened_at, open_until, opens, probes, "
                + "(open_until IS NOT NULL AND open_until > " + NOW + ") AS cooling, "
                + "COALESCE(GREATEST(0, CEIL(TIMESTAMPDIFF(MICROSECOND, " + NOW + ", open_until) / 1000)), 0) "
                + "AS remaining_ms, (probe_token IS NOT NULL AND probe_until > " + NOW + ") AS probing";
    }

    /**
     * A known scope's row is locked exclusively until the end of this short transaction (the admission that then
     * may take the probe): a plain or IGNORE insert's duplicate would leave a shared lock, and two instances
     * upgrading theirs to take the probe deadlock.
     */
    @Override
    public String inboxBreakerEnsure(String table) {
        return "INSERT INTO " + table + " (scope) VALUES (?) ON DUPLICATE KEY UPDATE scope = scope";
    }

    /**
     * The row is locked and read first, then updated with values computed from what was read: MariaDB assigns SET
     * expressions left to right (each sees the ones before) and has no UPDATE ... RETURNING. The lock orders
     * concurrent instances as PostgreSQL's row lock does.
     */
    @Override
    public BreakerCount inboxBreakerFailed(Connection connection, String table, String scope, int threshold,
            long coolDownMillis) throws SQLException {
        String state;
        int failures;
        try (PreparedStatement ps = connection.prepareStatement("SELECT state, consecutive_failures FROM " + table
                + " WHERE scope = ? FOR UPDATE")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new BreakerCount(0, false);
                }
                state = rs.getString(1);
                failures = rs.getInt(2);
            }
        }
        int count = failures + 1;
        boolean opens = "CLOSED".equals(state) && count >= threshold;
        String sql = "UPDATE " + table + " SET consecutive_failures = ?, updated_at = " + NOW
                + (opens ? ", state = 'OPEN', opened_at = " + NOW + ", open_until = " + plusMillis(NOW, "?")
                        + ", opens = opens + 1" : "")
                + " WHERE scope = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            ps.setInt(i++, count);
            if (opens) {
                ps.setLong(i++, coolDownMillis);
            }
            ps.setString(i, scope);
            ps.executeUpdate();
        }
        return new BreakerCount(count, opens);
    }

    @Override
    public String inboxBreakerTakeProbe(String table) {
        return "UPDATE " + table + " SET state = 'HALF_OPEN', probe_token = ?, probes = probes + 1, "
                + "probe_until = " + plusMillis(NOW, "?") + ", updated_at = " + NOW + " "
                + "WHERE scope = ? AND state IN ('OPEN', 'HALF_OPEN') AND open_until <= " + NOW + " "
                + "AND (probe_token IS NULL OR probe_until <= " + NOW + ")";
    }

    @Override
    public String inboxBreakerReopen(String table) {
        return "UPDATE " + table + " SET state = 'OPEN', consecutive_failures = consecutive_failures + 1, "
                + "opened_at = " + NOW + ", open_until = " + plusMillis(NOW, "?") + ", "
                + "opens = opens + 1, probe_token = NULL, probe_until = NULL, updated_at = " + NOW + " "
                + "WHERE scope = ? AND probe_token = ?";
    }

    @Override
    public Optional<Integer> inboxBreakerExecute(Connection connection, PreparedStatement update, String table,
            String scope) throws SQLException {
        if (update.executeUpdate() != 1) {
            return Optional.empty();
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT consecutive_failures FROM " + table
                + " WHERE scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    @Override
    public String inboxStepInsert(String table, boolean unique) {
        return "INSERT INTO " + table + " (scope, idempotency_key, seq, name, status, attempt, result, error, "
                + "started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + NOW + " - INTERVAL (? * 1000) MICROSECOND, ?)";
    }

    /** A step's run commits in a transaction of its own, so a duplicate's shared lock ends with it. */
    @Override
    public boolean inboxStepExecuteInsert(PreparedStatement insert, boolean unique) throws SQLException {
        try {
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            if (unique && e.getErrorCode() == DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String inboxStepSaveProgress(String table, int progressSeq) {
        return "INSERT INTO " + table + " (scope, idempotency_key, seq, name, status, attempt, done, total, "
                + "cursor_value, started_at, duration_ms) VALUES (?, ?, " + progressSeq
                + ", 'progress', 'PROGRESS', ?, ?, ?, ?, " + NOW + ", 0) "
                + "ON DUPLICATE KEY UPDATE attempt = VALUES(attempt), started_at = VALUES(started_at), "
                + "done = COALESCE(VALUES(done), done), total = COALESCE(VALUES(total), total), "
                + "cursor_value = COALESCE(VALUES(cursor_value), cursor_value)";
    }

    @Override
    public int inboxStepPurgeOrphans(Connection connection, String table, String inboxTable, long retentionMillis,
            int batch) throws SQLException {
        List<Long> ids = new java.util.ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT s.id FROM " + table + " s WHERE s.started_at < "
                + NOW + " - INTERVAL (? * 1000) MICROSECOND AND NOT EXISTS (SELECT 1 FROM " + inboxTable
                + " r WHERE r.scope = s.scope AND r.idempotency_key = s.idempotency_key) LIMIT ? "
                + "FOR UPDATE SKIP LOCKED")) {
            ps.setLong(1, retentionMillis);
            ps.setInt(2, batch);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids.isEmpty() ? 0 : deleteIn(connection, "DELETE FROM " + table + " WHERE id IN ", ids);
    }
    // -------------------------------------------------------------------------------------------- end of inbox


    // ---- relay ----

    private static final java.util.regex.Pattern OFFSET_FILE = java.util.regex.Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"");
    private static final java.util.regex.Pattern OFFSET_POS = java.util.regex.Pattern.compile("\"pos\"\\s*:\\s*(\\d+)");

    /** GET_LOCK names are at most 64 characters; slot names up to 63. */
    private static String relayLockName(String relay) {
        String name = "postbox-relay:" + relay;
        return name.length() <= 64 ? name : name.substring(0, 55) + ":" + Integer.toHexString(name.hashCode());
    }

    @Override
    public String relayMigration() {
        return "db/mariadb/postbox/V1_3__postbox_relay.sql";
    }

    /**
     * The binlog must be on, in ROW format with FULL row images (what Debezium's binlog connectors read), and the
     * user needs REPLICATION SLAVE (read the binlog) and BINLOG MONITOR, alias REPLICATION CLIENT (positions,
     * {@code SHOW BINARY LOGS}). Grants received through a role are not resolved here: then the grant check is
     * left to the connector.
     */
    @Override
    public java.util.List<String> relayServerProblems(Connection connection) throws SQLException {
        java.util.List<String> problems = new java.util.ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                problems.add("the binary log is off (log_bin=OFF), and the relay reads outbox rows from it: start "
                        + "MariaDB with log_bin (e.g. log_bin=mariadb-bin in my.cnf, or --log-bin), binlog_format=ROW, "
                        + "binlog_row_image=FULL and a server_id, then restart it");
            } else {
                if (!"ROW".equalsIgnoreCase(rs.getString(2))) {
                    problems.add("binlog_format is " + rs.getString(2) + ", the relay needs ROW: set binlog_format=ROW "
                            + "in my.cnf and SET GLOBAL binlog_format='ROW' (sessions opened before keep their format)");
                }
                if (!"FULL".equalsIgnoreCase(rs.getString(3))) {
                    problems.add("binlog_row_image is " + rs.getString(3) + ", the relay needs FULL: set "
                            + "binlog_row_image=FULL in my.cnf and SET GLOBAL binlog_row_image='FULL'");
                }
            }
        }
        StringBuilder grants = new StringBuilder();
        boolean viaRole = false;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                String g = rs.getString(1).toUpperCase(java.util.Locale.ROOT);
                grants.append(g).append('\n');
                viaRole |= g.startsWith("GRANT `") || g.startsWith("GRANT '");
            }
        }
        String g = grants.toString();
        boolean all = g.contains("GRANT ALL PRIVILEGES ON *.*");
        if (!all && !viaRole) {
            if (!g.contains("REPLICATION SLAVE") && !g.contains("REPLICATION REPLICA")) {
                problems.add("the user lacks REPLICATION SLAVE, needed to read the binlog: GRANT REPLICATION SLAVE ON "
                        + "*.* TO <relay user>");
            }
            if (!g.contains("BINLOG MONITOR") && !g.contains("REPLICATION CLIENT") && !g.contains("SUPER")) {
                problems.add("the user lacks BINLOG MONITOR (alias REPLICATION CLIENT), needed to read binlog "
                        + "positions: GRANT BINLOG MONITOR ON *.* TO <relay user>");
            }
        }
        return problems;
    }

    @Override
    public boolean relayTableExists(Connection connection, String table) throws SQLException {
        int dot = table.indexOf('.');
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = " + (dot < 0 ? "DATABASE()" : "?") + " AND table_name = ?")) {
            int i = 1;
            if (dot >= 0) {
                ps.setString(i++, table.substring(0, dot));
            }
            ps.setString(i, table.substring(dot + 1));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** A user-level lock of the connection's session ({@code GET_LOCK}): released when the connection closes. */
    @Override
    public boolean relayTryLock(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, relayLockName(relay));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Override
    public String relayLockHolder(Connection connection, String relay) throws SQLException {
        long id;
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, relayLockName(relay));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
                if (rs.wasNull()) {
                    return null;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT user, host, time FROM information_schema.processlist WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "connection id " + id + " (" + rs.getString(1) + " from " + rs.getString(2)
                            + ", connected " + rs.getLong(3) + " s ago)";
                }
            }
        }
        return "connection id " + id; // the PROCESS privilege shows more
    }

    @Override
    public String relayParkedColumns() {
        return "seq, status, event_id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, "
                + "source_position, attempts, last_error, first_failed_at, parked_at, replay_requested_at";
    }

    /** A second insert of the same event leaves the row as it is ({@code INSERT IGNORE} would hide other errors). */
    @Override
    public String relayParkedInsert(String table) {
        return "INSERT INTO " + table
                + " (relay, status, event_id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, "
                + "source_position, attempts, last_error, first_failed_at, parked_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE seq = seq";
    }

    @Override
    public String relayRequestReplay(String table) {
        return "UPDATE " + table
                + " SET replay_requested_at = UTC_TIMESTAMP(6) WHERE relay = ? AND event_id = ? AND status = 'PARKED'";
    }

    /** MariaDB has no data-modifying CTE: three statements in one transaction, the row locked first. */
    @Override
    public void relayDeleteReplayed(Connection connection, String table, long seq) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            String relay = null;
            String type = null;
            String id = null;
            String status = null;
            Object requested = null;
            try (PreparedStatement ps = connection.prepareStatement("SELECT relay, aggregatetype, aggregateid, status, "
                    + "replay_requested_at FROM " + table + " WHERE seq = ? FOR UPDATE")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        relay = rs.getString(1);
                        type = rs.getString(2);
                        id = rs.getString(3);
                        status = rs.getString(4);
                        requested = rs.getObject(5, LocalDateTime.class);
                    }
                }
            }
            if (relay != null) {
                try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE seq = ?")) {
                    ps.setLong(1, seq);
                    ps.executeUpdate();
                }
                if ("PARKED".equals(status)) {
                    try (PreparedStatement ps = connection.prepareStatement("UPDATE " + table + " SET status = 'PARKED', "
                            + "replay_requested_at = ? WHERE relay = ? AND aggregatetype = ? AND aggregateid = ? "
                            + "ORDER BY seq LIMIT 1")) {
                        ps.setObject(1, requested);
                        ps.setString(2, relay);
                        ps.setString(3, type);
                        ps.setString(4, id);
                        ps.executeUpdate();
                    }
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public String relayReplayFailed(String table) {
        return "UPDATE " + table
                + " SET status = 'PARKED', attempts = ?, last_error = ?, replay_requested_at = NULL, "
                + "first_failed_at = COALESCE(first_failed_at, UTC_TIMESTAMP(6)) WHERE seq = ?";
    }

    @Override
    public UUID readUuid(ResultSet rs, int column) throws SQLException {
        String id = rs.getString(column);
        return id == null ? null : UUID.fromString(id);
    }

    /** {@code DATETIME(6)} columns hold UTC ({@link #bindTimestamp}). */
    @Override
    public Instant readTimestamp(ResultSet rs, int column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public String relayOffsetTableDdl() {
        return "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT NULL, offset_key VARCHAR(1255), "
                + "offset_val VARCHAR(1255), record_insert_ts TIMESTAMP(6) NOT NULL, record_insert_seq INTEGER NOT NULL, "
                + "PRIMARY KEY (id))";
    }

    /** A prefix compare, not LIKE: slot names contain {@code _}, a LIKE wildcard. */
    @Override
    public String relayOffsetRowsOf(String relay) {
        String prefix = "[\"" + relay + "\",";
        return "LEFT(offset_key, " + prefix.length() + ") = '" + prefix + "'";
    }

    @Override
    public String relayHeartbeat(String table, String relay) {
        return "INSERT INTO " + table + " (relay, beat_at) VALUES ('" + relay + "', UTC_TIMESTAMP(6)) "
                + "ON DUPLICATE KEY UPDATE beat_at = VALUES(beat_at)";
    }

    /**
     * The binlog bytes after the position in the relay's stored offset: the sizes of the binlog files from the
     * offset's file on ({@code SHOW BINARY LOGS}, whose last size is the server's current position) minus the
     * offset's position in its file. Unlike a PostgreSQL slot, this position holds nothing back: MariaDB purges
     * binlogs by age ({@code binlog_expire_logs_seconds}) whether the relay read them or not.
     */
    @Override
    public long relayLagBytes(Connection connection, String relay, String offsetTable) throws SQLException {
        String[] position = storedPosition(connection, relay, offsetTable);
        if (position == null) {
            return -1;
        }
        long total = 0;
        boolean found = false;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String file = rs.getString(1);
                if (file.compareTo(position[0]) >= 0) {
                    found |= file.equals(position[0]);
                    total += rs.getLong(2);
                }
            }
        }
        return found ? Math.max(0, total - Long.parseLong(position[1])) : -1;
    }

    @Override
    public String relayConfirmedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        String[] position = storedPosition(connection, relay, offsetTable);
        return position == null ? null : position[0] + ":" + position[1];
    }

    /** {file, pos} of the relay's stored offset, or null. */
    private String[] storedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT offset_val FROM "
                + offsetTable + " WHERE " + relayOffsetRowsOf(relay) + " ORDER BY record_insert_ts DESC, "
                + "record_insert_seq DESC LIMIT 1")) {
            if (!rs.next() || rs.getString(1) == null) {
                return null;
            }
            java.util.regex.Matcher file = OFFSET_FILE.matcher(rs.getString(1));
            java.util.regex.Matcher pos = OFFSET_POS.matcher(rs.getString(1));
            return file.find() && pos.find() ? new String[] {file.group(1), pos.group(1)} : null;
        }
    }

    // ---- end of relay ----

    // ---- console ----
    // No LATERAL on MariaDB 10.11: the newest parked row and the first consumer record are joined by their key,
    // found with a scalar subquery per event. Ids are CHAR(36) text, JSON columns are text already.

    @Override
    public String consoleJsonText(String column) {
        return column;
    }

    @Override
    public String consoleTimestampColumn(String alias) {
        return (alias == null ? "" : alias + ".") + "`timestamp`";
    }

    @Override
    public String consoleAnyOf(String column, int count) {
        if (count == 0) {
            return "false";
        }
        return column + " in (" + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
    }

    @Override
    public int consoleBindAnyOf(Connection connection, PreparedStatement ps, int index, String[] values)
            throws SQLException {
        int i = index;
        for (String value : values) {
            ps.setString(i++, value);
        }
        return i;
    }

    @Override
    public String consoleOutboxRows(String outbox, String inbox, String parked, int consumerScopes) {
        String parkedColumns = parked == null
                ? "null as relay_status, null as relay_attempts, null as relay_error, null as parked_at, "
                        + "null as replay_requested_at"
                : "p.status as relay_status, p.attempts as relay_attempts, p.last_error as relay_error, "
                        + "p.parked_at, p.replay_requested_at";
        String parkedJoin = parked == null ? ""
                : " left join " + parked + " p on p.seq = (select max(pp.seq) from " + parked
                        + " pp where pp.event_id = o.id)";
        return "select o.id, o.aggregatetype, o.aggregateid, o.type, o.payload as payload, o.`timestamp`, "
                + parkedColumns + ", c.scope as consumer, c.status as consumer_status, "
                + "c.attempts as consumer_attempts, c.last_error as consumer_error, "
                + "case when " + (parked == null ? "false" : "p.status is not null") + " then "
                + (parked == null ? "null" : "p.status") + " when c.scope is not null then 'DELIVERED' "
                + "else 'IN_FLIGHT' end as status from " + outbox + " o" + parkedJoin
                + " left join " + inbox + " c on c.id = (select i.id from " + inbox + " i where "
                + consoleAnyOf("i.scope", consumerScopes) + " and i.idempotency_key = o.id "
                + "order by i.created_at limit 1) where true";
    }

    @Override
    public String consoleRelayLag() {
        return "bytes of binlog written after the relay's stored position (MariaDB has no replication slot)";
    }
}

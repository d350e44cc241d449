package dev.postbox.inbox.internal.store;

import dev.postbox.inbox.InboxStatus;
import dev.postbox.common.internal.Failures;
import dev.postbox.common.internal.Jsonp;
import dev.postbox.inbox.internal.json.CanonicalJson;
import jakarta.json.JsonString;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The write side of the inbox table on PostgreSQL: the statements that insert, lock, claim, complete, fail, replay
 * and purge records. Only {@code InboxEngine} uses it, and it alone decides which status a record moves to and in
 * which transaction; every method here does its work on the data source's connection of the current transaction.
 * Times are the database's ({@code clock_timestamp()}), so instances with skewed clocks agree on leases and due
 * retries. Reads for people (find, list, history) are {@link InboxQueries}.
 */
public final class InboxStore {

    static final int MAX_ERROR = 2000;
    /** Seed of the key hash for advisory locks, so Postbox's lock keys differ from other users' of hashtextextended. */
    private static final int LOCK_SEED = 0x50b0;
    static final int MAX_HISTORY_ERROR = 500;

    private static final String ROW_COLUMNS = "id, scope, idempotency_key, fingerprint, status, attempts, "
            + "max_attempts, next_attempt_at, claim_token, last_error, handler, arguments, result, result_format, "
            + "http_status, http_headers, "
            + "(locked_until IS NOT NULL AND locked_until > clock_timestamp()) AS lease_live, "
            + "(next_attempt_at IS NULL OR next_attempt_at <= clock_timestamp()) AS due";

    /** Appends one finished attempt to the history; parameters: outcome, error. */
    private static final String APPEND_HISTORY = "history = history || jsonb_build_array(jsonb_build_object("
            + "'attempt', attempts, 'startedAt', started_at, 'endedAt', clock_timestamp(), "
            + "'outcome', ?::text, 'error', ?::text))";

    private final DataSource dataSource;
    private final String table;
    private final TraceColumn traceColumn;

    /** @param table an already validated table name */
    public InboxStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
        this.traceColumn = new TraceColumn(table);
    }

    public String table() {
        return table;
    }

    /**
     * Inserts the record of a new key as IN_PROGRESS (attempt 1) under a lease.
     *
     * @return true when inserted, false when the key exists already (nothing changed)
     */
    public boolean insertClaimed(NewRecord r, UUID token, Duration lease) throws SQLException {
        String sql = "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, locked_until, claim_token, started_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'IN_PROGRESS', 1, ?, clock_timestamp() + ? * interval '1 millisecond', ?, "
                + "clock_timestamp(), ?, ?%s) ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(traced(sql, r, c))) {
            int i = newRecord(ps, r);
            ps.setLong(i++, lease.toMillis());
            ps.setObject(i++, token);
            ps.setString(i++, r.handler());
            ps.setString(i, r.arguments());
            traceparent(ps, i + 1, r, c);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Takes the key's transaction-scoped advisory lock without waiting, then reads its committed record: two
     * statements sent in one round trip. They must be two: the read needs a snapshot taken <em>after</em> the lock
     * was granted, or a record committed by the lock's previous holder (whose commit released the lock) would be
     * missed and the handler run a second time. The lock keeps a concurrent first delivery of the same key out until
     * this transaction ends, so no uncommitted "in progress" row is needed to detect it (see {@code InboxEngine}).
     */
    public KeyPeek lockKeyAndFind(String scope, String key) throws SQLException {
        String sql = "SELECT pg_try_advisory_xact_lock(hashtextextended(?, " + LOCK_SEED + ")), "
                + "transaction_timestamp(); SELECT " + ROW_COLUMNS + " FROM " + table
                + " WHERE scope = ? AND idempotency_key = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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
                Optional<InboxRow> row = rs.next() ? Optional.of(mapRow(rs)) : Optional.empty();
                return new KeyPeek(locked, row, started);
            }
        }
    }

    /**
     * Waits for the key's advisory lock, held until the end of the transaction. Every insert of a record outside
     * a first delivery's own transaction takes it first: a first delivery holds it while its handler runs with no
     * committed record yet, and a record inserted meanwhile would let someone else claim and run the same key
     * concurrently.
     */
    public void lockKey(String scope, String key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_advisory_xact_lock(hashtextextended(?, " + LOCK_SEED + "))")) {
            ps.setString(1, scope + '\u001f' + key);
            ps.execute();
        }
    }

    /**
     * Inserts the record of a first delivery that has just succeeded in this transaction: COMPLETED, attempt 1,
     * with its result and one history entry.
     *
     * @return false when a record of the key appeared meanwhile (nothing inserted: the caller must roll back)
     */
    public boolean insertCompleted(NewRecord r, StoredResult result, Duration retention, Instant startedAt)
            throws SQLException {
        return insertCompleted(r, result, retention, startedAt, null);
    }

    /**
     * As {@link #insertCompleted(NewRecord, StoredResult, Duration, Instant)}, with a note on why the answer is a
     * failure (a definite failure answered 422) in {@code last_error} and the history entry; null for none.
     */
    public boolean insertCompleted(NewRecord r, StoredResult result, Duration retention, Instant startedAt,
            String error) throws SQLException {
        String sql = "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, result, result_format, http_status, http_headers, "
                + "completed_at, expires_at, last_error, history%s) VALUES (?, ?, ?, ?, 'COMPLETED', 1, ?, ?, ?, ?, ?, "
                + "?, ?, ?::jsonb, clock_timestamp(), clock_timestamp() + ? * interval '1 millisecond', ?, "
                + "jsonb_build_array(jsonb_build_object('attempt', 1, 'startedAt', ?::timestamptz, "
                + "'endedAt', clock_timestamp(), 'outcome', 'COMPLETED', 'error', ?::text))%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(traced(sql, r, c))) {
            int i = newRecord(ps, r);
            OffsetDateTime started = startedAt.atOffset(java.time.ZoneOffset.UTC);
            ps.setObject(i++, started);
            ps.setString(i++, r.handler());
            ps.setString(i++, r.arguments());
            ps.setString(i++, result.body());
            ps.setString(i++, result.format());
            if (result.httpStatus() == null) {
                ps.setNull(i++, Types.INTEGER);
            } else {
                ps.setInt(i++, result.httpStatus());
            }
            ps.setString(i++, result.headers().isEmpty() ? null : headersJson(result.headers()));
            ps.setLong(i++, retention.toMillis());
            ps.setString(i++, Failures.shorten(error, MAX_ERROR));
            ps.setObject(i++, started);
            ps.setString(i, Failures.shorten(error, MAX_HISTORY_ERROR));
            traceparent(ps, i + 1, r, c);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Inserts the record of a first delivery whose attempt failed (its own transaction rolled back): FAILED with
     * the next attempt after {@code retryDelay} (null: the sender's next delivery runs it), or DEAD.
     *
     * @return false when a record of the key appeared meanwhile (nothing inserted)
     */
    public boolean insertFailed(NewRecord r, Instant startedAt, String error, Duration retryDelay, boolean dead)
            throws SQLException {
        String sql = "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, started_at, handler, arguments, last_error, next_attempt_at, history%s) "
                + "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, CASE WHEN ?::bigint IS NULL THEN NULL "
                + "ELSE clock_timestamp() + ?::bigint * interval '1 millisecond' END, "
                + "jsonb_build_array(jsonb_build_object('attempt', 1, 'startedAt', ?::timestamptz, "
                + "'endedAt', clock_timestamp(), 'outcome', ?::text, 'error', ?::text))%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(traced(sql, r, c))) {
            String status = dead ? "DEAD" : "FAILED";
            OffsetDateTime started = startedAt.atOffset(java.time.ZoneOffset.UTC);
            Long delay = dead || retryDelay == null ? null : retryDelay.toMillis();
            ps.setObject(1, r.id());
            ps.setString(2, r.scope());
            ps.setString(3, r.key());
            ps.setString(4, r.fingerprint());
            ps.setString(5, status);
            ps.setInt(6, r.maxAttempts());
            ps.setObject(7, started);
            ps.setString(8, r.handler());
            ps.setString(9, r.arguments());
            ps.setString(10, Failures.shorten(error, MAX_ERROR));
            ps.setObject(11, delay, Types.BIGINT);
            ps.setObject(12, delay, Types.BIGINT);
            ps.setObject(13, started);
            ps.setString(14, status);
            ps.setString(15, Failures.shorten(error, MAX_HISTORY_ERROR));
            traceparent(ps, 16, r, c);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * An insert's SQL with its two {@code %s} filled: the {@code traceparent} column and its parameter when the
     * record carries a trace context (OpenTelemetry present) and the table has the column (V1_6 applied), else
     * nothing, so that without OpenTelemetry the statements are exactly those of before.
     */
    private String traced(String sql, NewRecord r, Connection c) throws SQLException {
        boolean traced = r.traceparent() != null && traceColumn.present(c);
        return traced ? String.format(sql, ", traceparent", ", ?") : String.format(sql, "", "");
    }

    /** Sets the trace context parameter at {@code index} when {@link #traced} added it. */
    private void traceparent(PreparedStatement ps, int index, NewRecord r, Connection c) throws SQLException {
        if (r.traceparent() != null && traceColumn.present(c)) {
            ps.setString(index, r.traceparent());
        }
    }

    /** Sets id, scope, key, fingerprint (1-4) and max_attempts (5); returns the next parameter index. */
    private static int newRecord(PreparedStatement ps, NewRecord r) throws SQLException {
        ps.setObject(1, r.id());
        ps.setString(2, r.scope());
        ps.setString(3, r.key());
        ps.setString(4, r.fingerprint());
        ps.setInt(5, r.maxAttempts());
        return 6;
    }

    /** Inserts the record of a new key as RECEIVED, due now. @return false when the key exists already. */
    public boolean insertReceived(NewRecord r) throws SQLException {
        String sql = "INSERT INTO " + table + " (id, scope, idempotency_key, fingerprint, status, attempts, "
                + "max_attempts, next_attempt_at, handler, arguments%s) "
                + "VALUES (?, ?, ?, ?, 'RECEIVED', 0, ?, clock_timestamp(), ?, ?%s) "
                + "ON CONFLICT (scope, idempotency_key) DO NOTHING RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(traced(sql, r, c))) {
            int i = newRecord(ps, r);
            ps.setString(i++, r.handler());
            ps.setString(i, r.arguments());
            traceparent(ps, i + 1, r, c);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Reads and row-locks the record of a key until the end of the transaction. */
    public Optional<InboxRow> lockByKey(String scope, String key) throws SQLException {
        String sql = "SELECT " + ROW_COLUMNS + " FROM " + table + " WHERE scope = ? AND idempotency_key = ? FOR UPDATE";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            return readRow(ps);
        }
    }

    /** Reads and row-locks a record by id. */
    public Optional<InboxRow> lockById(UUID id) throws SQLException {
        String sql = "SELECT " + ROW_COLUMNS + " FROM " + table + " WHERE id = ? FOR UPDATE";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            return readRow(ps);
        }
    }

    /**
     * Locks up to {@code limit} records that are due: RECEIVED or FAILED with {@code next_attempt_at} passed, or
     * IN_PROGRESS with an expired lease (a crashed worker). Rows locked by another instance are skipped, so two
     * instances never get the same record.
     */
    public List<InboxRow> lockDue(Collection<String> handlers, int limit) throws SQLException {
        // two queries rather than one OR, so that each uses its partial index (due retries, expired leases)
        List<InboxRow> rows = lockWhere(handlers, limit, "status IN ('RECEIVED', 'FAILED') "
                + "AND next_attempt_at <= clock_timestamp() ORDER BY next_attempt_at");
        if (rows.size() < limit) {
            rows.addAll(lockWhere(handlers, limit - rows.size(), "status = 'IN_PROGRESS' "
                    + "AND locked_until < clock_timestamp() ORDER BY locked_until"));
        }
        return rows;
    }

    private List<InboxRow> lockWhere(Collection<String> handlers, int limit, String condition) throws SQLException {
        String sql = "SELECT " + ROW_COLUMNS + " FROM " + table + " WHERE handler = ANY (?) AND " + condition
                + " LIMIT ? FOR UPDATE SKIP LOCKED";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("varchar", handlers.toArray()));
            ps.setInt(2, limit);
            List<InboxRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapRow(rs));
                }
            }
            return rows;
        }
    }

    /**
     * Starts a new attempt on a locked record: IN_PROGRESS, attempts + 1, a new lease and fencing token. When the
     * record was IN_PROGRESS (its worker vanished), that attempt is recorded as LEASE_EXPIRED first.
     */
    public Claim claim(InboxRow row, UUID token, Duration lease) throws SQLException {
        String history = row.status() == InboxStatus.IN_PROGRESS ? ", " + APPEND_HISTORY : "";
        String sql = "UPDATE " + table + " SET status = 'IN_PROGRESS', attempts = attempts + 1, "
                + "claim_token = ?, locked_until = clock_timestamp() + ? * interval '1 millisecond', "
                + "started_at = clock_timestamp(), next_attempt_at = NULL, updated_at = clock_timestamp()" + history
                + " WHERE id = ? RETURNING attempts, max_attempts";
        // history must be appended with the old started_at/attempts: PostgreSQL evaluates SET expressions
        // against the old row, so one statement does both
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, token);
            ps.setLong(i++, lease.toMillis());
            if (!history.isEmpty()) {
                ps.setString(i++, "LEASE_EXPIRED");
                ps.setString(i++, "the worker's lease expired before it finished (crash, restart or a "
                        + "handler slower than postbox.inbox.lease); taken over");
            }
            ps.setObject(i, row.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Claim(row.id(), token, rs.getInt(1), rs.getInt(2), row.handler(), row.arguments());
            }
        }
    }

    /**
     * Marks a claimed record COMPLETED with its result, fenced by the claim token: returns false (and changes
     * nothing) when another worker took the record over, in which case the caller must roll back.
     */
    public boolean complete(UUID id, UUID token, StoredResult result, Duration retention) throws SQLException {
        return complete(id, token, result, retention, null);
    }

    /** As {@link #complete(UUID, UUID, StoredResult, Duration)}, with a note for {@code last_error} and history. */
    public boolean complete(UUID id, UUID token, StoredResult result, Duration retention, String error)
            throws SQLException {
        String sql = "UPDATE " + table + " SET status = 'COMPLETED', result = ?, result_format = ?, http_status = ?, "
                + "http_headers = ?::jsonb, claim_token = NULL, locked_until = NULL, next_attempt_at = NULL, "
                + "last_error = ?, completed_at = clock_timestamp(), updated_at = clock_timestamp(), "
                + "expires_at = clock_timestamp() + ? * interval '1 millisecond', " + APPEND_HISTORY
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, result.body());
            ps.setString(2, result.format());
            if (result.httpStatus() == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setInt(3, result.httpStatus());
            }
            ps.setString(4, result.headers().isEmpty() ? null : headersJson(result.headers()));
            ps.setString(5, Failures.shorten(error, MAX_ERROR));
            ps.setLong(6, retention.toMillis());
            ps.setString(7, "COMPLETED");
            ps.setString(8, Failures.shorten(error, MAX_HISTORY_ERROR));
            ps.setObject(9, id);
            ps.setObject(10, token);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Records a failed attempt, fenced by the claim token: FAILED with the next attempt after {@code retryDelay}
     * (null: no scheduled retry, the sender's next delivery runs it), or DEAD when {@code dead}.
     *
     * @return false when another worker took the record over meanwhile (nothing changed)
     */
    public boolean fail(UUID id, UUID token, String error, Duration retryDelay, boolean dead) throws SQLException {
        String sql = "UPDATE " + table + " SET status = ?, last_error = ?, claim_token = NULL, locked_until = NULL, "
                + "next_attempt_at = CASE WHEN ?::bigint IS NULL THEN NULL "
                + "ELSE clock_timestamp() + ?::bigint * interval '1 millisecond' END, "
                + "updated_at = clock_timestamp(), " + APPEND_HISTORY
                + " WHERE id = ? AND claim_token = ? AND status = 'IN_PROGRESS'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            String status = dead ? "DEAD" : "FAILED";
            ps.setString(1, status);
            ps.setString(2, Failures.shorten(error, MAX_ERROR));
            Long delay = dead || retryDelay == null ? null : retryDelay.toMillis();
            ps.setObject(3, delay, Types.BIGINT);
            ps.setObject(4, delay, Types.BIGINT);
            ps.setString(5, status);
            ps.setString(6, Failures.shorten(error, MAX_HISTORY_ERROR));
            ps.setObject(7, id);
            ps.setObject(8, token);
            return ps.executeUpdate() == 1;
        }
    }

    /** Marks a locked record DEAD without a claim (a crashed worker's record whose attempts are used up). */
    public void markDead(UUID id, String reason) throws SQLException {
        String sql = "UPDATE " + table + " SET status = 'DEAD', last_error = ?, claim_token = NULL, "
                + "locked_until = NULL, next_attempt_at = NULL, updated_at = clock_timestamp(), " + APPEND_HISTORY
                + " WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Failures.shorten(reason, MAX_ERROR));
            ps.setString(2, "LEASE_EXPIRED");
            ps.setString(3, Failures.shorten(reason, MAX_HISTORY_ERROR));
            ps.setObject(4, id);
            ps.executeUpdate();
        }
    }

    /**
     * Gives a DEAD record {@code extraAttempts} more attempts: RECEIVED due now when {@code scheduled}, else
     * FAILED waiting for the sender's next delivery. A REPLAY entry goes into the history.
     */
    public boolean replay(UUID id, int extraAttempts, boolean scheduled) throws SQLException {
        String sql = "UPDATE " + table + " SET status = ?, max_attempts = attempts + ?, "
                + "next_attempt_at = CASE WHEN ? THEN clock_timestamp() ELSE NULL END, updated_at = clock_timestamp(), "
                + "history = history || jsonb_build_array(jsonb_build_object('attempt', attempts, 'startedAt', "
                + "clock_timestamp(), 'endedAt', clock_timestamp(), 'outcome', 'REPLAY', 'error', NULL)) "
                + "WHERE id = ? AND status = 'DEAD'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scheduled ? "RECEIVED" : "FAILED");
            ps.setInt(2, extraAttempts);
            ps.setBoolean(3, scheduled);
            ps.setObject(4, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes up to {@code batch} completed records whose retention has passed. @return rows deleted */
    public int purgeExpired(int batch) throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE id IN (SELECT id FROM " + table
                + " WHERE status = 'COMPLETED' AND expires_at < clock_timestamp() ORDER BY expires_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, batch);
            return ps.executeUpdate();
        }
    }

    private Optional<InboxRow> readRow(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapRow(rs)) : Optional.empty();
        }
    }

    private static InboxRow mapRow(ResultSet rs) throws SQLException {
        String format = rs.getString("result_format");
        StoredResult result = format == null ? null
                : new StoredResult(rs.getString("result"), format, (Integer) rs.getObject("http_status"),
                        parseHeaders(rs.getString("http_headers")));
        return new InboxRow(
                rs.getObject("id", UUID.class),
                rs.getString("scope"),
                rs.getString("idempotency_key"),
                rs.getString("fingerprint"),
                InboxStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getInt("max_attempts"),
                instant(rs, "next_attempt_at"),
                rs.getBoolean("lease_live"),
                rs.getBoolean("due"),
                rs.getObject("claim_token", UUID.class),
                rs.getString("last_error"),
                rs.getString("handler"),
                rs.getString("arguments"),
                result);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Map<String, String> parseHeaders(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        CanonicalJson.parse(json).asJsonObject()
                .forEach((k, v) -> headers.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
        return headers;
    }

    private static String headersJson(Map<String, String> headers) {
        var builder = Jsonp.provider().createObjectBuilder();
        headers.forEach(builder::add);
        return builder.build().toString();
    }
}

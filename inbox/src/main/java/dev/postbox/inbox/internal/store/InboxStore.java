package dev.postbox.inbox.internal.store;

import dev.postbox.inbox.InboxStatus;
import dev.postbox.common.internal.Failures;
import dev.postbox.common.internal.dialect.Dialect;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The write side of the inbox table: the statements that insert, lock, claim, complete, fail, replay
 * and purge records. Only {@code InboxEngine} uses it, and it alone decides which status a record moves to and in
 * which transaction; every method here does its work on the data source's connection of the current transaction.
 * Statements come from the {@link Dialect}. Times are the database's ({@code clock_timestamp()} on PostgreSQL),
 * so instances with skewed clocks agree on leases and due
 * retries. Reads for people (find, list, history) are {@link InboxQueries}.
 */
public final class InboxStore {

    static final int MAX_ERROR = 2000;
    static final int MAX_HISTORY_ERROR = 500;

    private final DataSource dataSource;
    private final String table;
    private final TraceColumn traceColumn;
    private final InboxDialect dialect;

    /** @param table an already validated table name */
    public InboxStore(DataSource dataSource, String table, InboxDialect dialect) {
        this.dataSource = dataSource;
        this.table = table;
        this.traceColumn = new TraceColumn(table, dialect);
        this.dialect = dialect;
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(traced(d.inboxInsertClaimed(table), r, c))) {
                int i = newRecord(d, ps, r);
                ps.setLong(i++, lease.toMillis());
                d.bindUuid(ps, i++, token);
                ps.setString(i++, r.handler());
                ps.setString(i, r.arguments());
                traceparent(ps, i + 1, r, c);
                return d.inboxExecuteInsert(ps, r.id());
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            return d.inboxLockKeyAndFind(c, table, scope, key, (locked, started, row) ->
                    new KeyPeek(locked, row == null ? Optional.empty() : Optional.of(mapRow(d, row)), started));
        }
    }

    /**
     * Waits for the key's advisory lock, held until the end of the transaction. Every insert of a record outside
     * a first delivery's own transaction takes it first: a first delivery holds it while its handler runs with no
     * committed record yet, and a record inserted meanwhile would let someone else claim and run the same key
     * concurrently.
     */
    public void lockKey(String scope, String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            dialect.of(c).inboxLockKey(c, table, scope, key);
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(traced(d.inboxInsertCompleted(table), r, c))) {
                int i = newRecord(d, ps, r);
                d.inboxBindInstant(ps, i++, startedAt);
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
                d.inboxBindInstant(ps, i++, startedAt);
                ps.setString(i, Failures.shorten(error, MAX_HISTORY_ERROR));
                traceparent(ps, i + 1, r, c);
                return d.inboxExecuteInsert(ps, r.id());
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(traced(d.inboxInsertFailed(table), r, c))) {
                String status = dead ? "DEAD" : "FAILED";
                Long delay = dead || retryDelay == null ? null : retryDelay.toMillis();
                d.bindUuid(ps, 1, r.id());
                ps.setString(2, r.scope());
                ps.setString(3, r.key());
                ps.setString(4, r.fingerprint());
                ps.setString(5, status);
                ps.setInt(6, r.maxAttempts());
                d.inboxBindInstant(ps, 7, startedAt);
                ps.setString(8, r.handler());
                ps.setString(9, r.arguments());
                ps.setString(10, Failures.shorten(error, MAX_ERROR));
                ps.setObject(11, delay, Types.BIGINT);
                ps.setObject(12, delay, Types.BIGINT);
                d.inboxBindInstant(ps, 13, startedAt);
                ps.setString(14, status);
                ps.setString(15, Failures.shorten(error, MAX_HISTORY_ERROR));
                traceparent(ps, 16, r, c);
                return d.inboxExecuteInsert(ps, r.id());
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
    private static int newRecord(Dialect d, PreparedStatement ps, NewRecord r) throws SQLException {
        d.bindUuid(ps, 1, r.id());
        ps.setString(2, r.scope());
        ps.setString(3, r.key());
        ps.setString(4, r.fingerprint());
        ps.setInt(5, r.maxAttempts());
        return 6;
    }

    /** Inserts the record of a new key as RECEIVED, due now. @return false when the key exists already. */
    public boolean insertReceived(NewRecord r) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(traced(d.inboxInsertReceived(table), r, c))) {
                int i = newRecord(d, ps, r);
                ps.setString(i++, r.handler());
                ps.setString(i, r.arguments());
                traceparent(ps, i + 1, r, c);
                return d.inboxExecuteInsert(ps, r.id());
            }
        }
    }

    /** Reads and row-locks the record of a key until the end of the transaction. */
    public Optional<InboxRow> lockByKey(String scope, String key) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            return d.inboxLockByKey(c, table, scope, key,
                    row -> row == null ? Optional.empty() : Optional.of(mapRow(d, row)));
        }
    }

    /** Reads and row-locks a record by id. */
    public Optional<InboxRow> lockById(UUID id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxLockById(table))) {
                d.bindUuid(ps, 1, id);
                return readRow(d, ps);
            }
        }
    }

    /**
     * Locks up to {@code limit} records that are due: RECEIVED or FAILED with {@code next_attempt_at} passed, or
     * IN_PROGRESS with an expired lease (a crashed worker). Rows locked by another instance are skipped, so two
     * instances never get the same record.
     */
    public List<InboxRow> lockDue(Collection<String> handlers, int limit) throws SQLException {
        // two queries rather than one OR, so that each uses its partial index (due retries, expired leases)
        List<InboxRow> rows = lockWhere(handlers, limit, false);
        if (rows.size() < limit) {
            rows.addAll(lockWhere(handlers, limit - rows.size(), true));
        }
        return rows;
    }

    private List<InboxRow> lockWhere(Collection<String> handlers, int limit, boolean expiredLeases)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            String sql = expiredLeases ? d.inboxLockExpiredLeases(table, handlers.size())
                    : d.inboxLockDueRetries(table, handlers.size());
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = d.inboxBindHandlers(c, ps, handlers);
                ps.setInt(i, limit);
                List<InboxRow> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(mapRow(d, rs));
                    }
                }
                return rows;
            }
        }
    }

    /**
     * Starts a new attempt on a locked record: IN_PROGRESS, attempts + 1, a new lease and fencing token. When the
     * record was IN_PROGRESS (its worker vanished), that attempt is recorded as LEASE_EXPIRED first.
     */
    public Claim claim(InboxRow row, UUID token, Duration lease) throws SQLException {
        boolean history = row.status() == InboxStatus.IN_PROGRESS;
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxClaim(table, history))) {
                int i = 1;
                d.bindUuid(ps, i++, token);
                ps.setLong(i++, lease.toMillis());
                if (history) {
                    ps.setString(i++, "LEASE_EXPIRED");
                    ps.setString(i++, "the worker's lease expired before it finished (crash, restart or a "
                            + "handler slower than postbox.inbox.lease); taken over");
                }
                d.bindUuid(ps, i, row.id());
                int[] attempts = d.inboxExecuteClaim(c, ps, table, row.id());
                return new Claim(row.id(), token, attempts[0], attempts[1], row.handler(), row.arguments());
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxComplete(table))) {
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
                d.bindUuid(ps, 9, id);
                d.bindUuid(ps, 10, token);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /**
     * Records a failed attempt, fenced by the claim token: FAILED with the next attempt after {@code retryDelay}
     * (null: no scheduled retry, the sender's next delivery runs it), or DEAD when {@code dead}.
     *
     * @return false when another worker took the record over meanwhile (nothing changed)
     */
    public boolean fail(UUID id, UUID token, String error, Duration retryDelay, boolean dead) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxFail(table))) {
                String status = dead ? "DEAD" : "FAILED";
                ps.setString(1, status);
                ps.setString(2, Failures.shorten(error, MAX_ERROR));
                Long delay = dead || retryDelay == null ? null : retryDelay.toMillis();
                ps.setObject(3, delay, Types.BIGINT);
                ps.setObject(4, delay, Types.BIGINT);
                ps.setString(5, status);
                ps.setString(6, Failures.shorten(error, MAX_HISTORY_ERROR));
                d.bindUuid(ps, 7, id);
                d.bindUuid(ps, 8, token);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /** Marks a locked record DEAD without a claim (a crashed worker's record whose attempts are used up). */
    public void markDead(UUID id, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxMarkDead(table))) {
                ps.setString(1, Failures.shorten(reason, MAX_ERROR));
                ps.setString(2, "LEASE_EXPIRED");
                ps.setString(3, Failures.shorten(reason, MAX_HISTORY_ERROR));
                d.bindUuid(ps, 4, id);
                ps.executeUpdate();
            }
        }
    }

    /**
     * Gives a DEAD record {@code extraAttempts} more attempts: RECEIVED due now when {@code scheduled}, else
     * FAILED waiting for the sender's next delivery. A REPLAY entry goes into the history.
     */
    public boolean replay(UUID id, int extraAttempts, boolean scheduled) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxReplay(table))) {
                ps.setString(1, scheduled ? "RECEIVED" : "FAILED");
                ps.setInt(2, extraAttempts);
                ps.setBoolean(3, scheduled);
                d.bindUuid(ps, 4, id);
                return ps.executeUpdate() == 1;
            }
        }
    }

    /** Deletes up to {@code batch} completed records whose retention has passed. @return rows deleted */
    public int purgeExpired(int batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return dialect.of(c).inboxPurgeExpired(c, table, batch);
        }
    }

    private static Optional<InboxRow> readRow(Dialect d, PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapRow(d, rs)) : Optional.empty();
        }
    }

    private static InboxRow mapRow(Dialect d, ResultSet rs) throws SQLException {
        String format = rs.getString("result_format");
        StoredResult result = format == null ? null
                : new StoredResult(rs.getString("result"), format, (Integer) rs.getObject("http_status"),
                        parseHeaders(rs.getString("http_headers")));
        return new InboxRow(
                d.inboxUuid(rs, "id"),
                rs.getString("scope"),
                rs.getString("idempotency_key"),
                rs.getString("fingerprint"),
                InboxStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getInt("max_attempts"),
                d.inboxInstant(rs, "next_attempt_at"),
                rs.getBoolean("lease_live"),
                rs.getBoolean("due"),
                d.inboxUuid(rs, "claim_token"),
                rs.getString("last_error"),
                rs.getString("handler"),
                rs.getString("arguments"),
                result);
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

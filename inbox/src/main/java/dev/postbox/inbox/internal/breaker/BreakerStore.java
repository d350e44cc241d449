package dev.postbox.inbox.internal.breaker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The statements of the breaker table, each on the current transaction's connection; {@link ScopeGuard} decides
 * when. Every change is one conditional UPDATE of the scope's row: concurrent instances are ordered by its row lock
 * and each re-checks the condition against the row as the other left it, so only one of them opens a scope on a
 * given failure, and only one takes the probe. Times are the database's clock, so instances with skewed clocks agree.
 */
final class BreakerStore {

    private static final String COLUMNS = "state, consecutive_failures, opened_at, open_until, opens, probes, "
            + "(open_until IS NOT NULL AND open_until > clock_timestamp()) AS cooling, "
            + "GREATEST(0, CEIL(EXTRACT(EPOCH FROM (open_until - clock_timestamp())) * 1000))::bigint AS remaining_ms, "
            + "(probe_token IS NOT NULL AND probe_until > clock_timestamp()) AS probing";

    private final DataSource dataSource;
    private final String table;

    BreakerStore(DataSource dataSource, String table) {
        this.dataSource = dataSource;
        this.table = table;
    }

    String table() {
        return table;
    }

    /** A scope's row as read now. {@code remainingMillis}: how long it stays OPEN (0 when not cooling). */
    record Row(String state, int consecutiveFailures, Instant openedAt, Instant openUntil, long opens, long probes,
            boolean cooling, long remainingMillis, boolean probing) {

        static final Row NONE = new Row("CLOSED", 0, null, null, 0, 0, false, 0, false);

        boolean closed() {
            return "CLOSED".equals(state);
        }
    }

    /** Creates the scope's row (CLOSED) unless it exists. */
    void ensure(String scope) throws SQLException {
        update("INSERT INTO " + table + " (scope) VALUES (?) ON CONFLICT (scope) DO NOTHING", scope);
    }

    Optional<Row> read(String scope) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE scope = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** What a transient failure did: the count now, and whether this failure opened the scope. */
    record Counted(int consecutiveFailures, boolean opened) {
    }

    /**
     * Counts a transient failure; a CLOSED scope whose count reaches {@code threshold} opens for {@code coolDown}.
     * The SET expressions see the row as it was, RETURNING sees it as it is now: the scope was opened by this
     * statement when its {@code opened_at} is this transaction's start ({@code now()}; call it in a transaction of
     * its own).
     */
    Counted failed(String scope, int threshold, Duration coolDown) throws SQLException {
        String opens = "(state = 'CLOSED' AND consecutive_failures + 1 >= ?)";
        String sql = "UPDATE " + table + " SET consecutive_failures = consecutive_failures + 1, "
                + "state = CASE WHEN " + opens + " THEN 'OPEN' ELSE state END, "
                + "opened_at = CASE WHEN " + opens + " THEN now() ELSE opened_at END, "
                + "open_until = CASE WHEN " + opens + " THEN now() + ? * interval '1 millisecond' "
                + "ELSE open_until END, "
                + "opens = opens + CASE WHEN " + opens + " THEN 1 ELSE 0 END, updated_at = clock_timestamp() "
                + "WHERE scope = ? RETURNING consecutive_failures, (state = 'OPEN' AND opened_at = now())";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, threshold);
            ps.setInt(2, threshold);
            ps.setInt(3, threshold);
            ps.setLong(4, coolDown.toMillis());
            ps.setInt(5, threshold);
            ps.setString(6, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Counted(rs.getInt(1), rs.getBoolean(2)) : new Counted(0, false);
            }
        }
    }

    /** A success in a CLOSED scope resets its count (no write when it is 0 already). */
    void succeeded(String scope) throws SQLException {
        update("UPDATE " + table + " SET consecutive_failures = 0, updated_at = clock_timestamp() "
                + "WHERE scope = ? AND state = 'CLOSED' AND consecutive_failures > 0", scope);
    }

    /**
     * Takes the probe of a scope whose cool-down is over (OPEN or HALF_OPEN, no live probe): HALF_OPEN with this
     * token until {@code lease} from now. Of two instances trying at once, the second finds the token set.
     *
     * @return the failure count, or empty when the probe was not taken
     */
    Optional<Integer> takeProbe(String scope, UUID token, Duration lease) throws SQLException {
        String sql = "UPDATE " + table + " SET state = 'HALF_OPEN', probe_token = ?, probes = probes + 1, "
                + "probe_until = clock_timestamp() + ? * interval '1 millisecond', updated_at = clock_timestamp() "
                + "WHERE scope = ? AND state IN ('OPEN', 'HALF_OPEN') AND open_until <= clock_timestamp() "
                + "AND (probe_token IS NULL OR probe_until <= clock_timestamp()) RETURNING consecutive_failures";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, token);
            ps.setLong(2, lease.toMillis());
            ps.setString(3, scope);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** The probe succeeded: CLOSED, count 0. @return false when the probe was not this token's any more */
    boolean closeAfterProbe(String scope, UUID token) throws SQLException {
        return update("UPDATE " + table + " SET state = 'CLOSED', consecutive_failures = 0, open_until = NULL, "
                + "probe_token = NULL, probe_until = NULL, updated_at = clock_timestamp() "
                + "WHERE scope = ? AND probe_token = ?", scope, token) == 1;
    }

    /** The probe failed: OPEN again for {@code coolDown}. @return the failure count, or empty (not our probe) */
    Optional<Integer> reopenAfterProbe(String scope, UUID token, Duration coolDown) throws SQLException {
        String sql = "UPDATE " + table + " SET state = 'OPEN', consecutive_failures = consecutive_failures + 1, "
                + "opened_at = clock_timestamp(), open_until = clock_timestamp() + ? * interval '1 millisecond', "
                + "opens = opens + 1, probe_token = NULL, probe_until = NULL, updated_at = clock_timestamp() "
                + "WHERE scope = ? AND probe_token = ? RETURNING consecutive_failures";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, coolDown.toMillis());
            ps.setString(2, scope);
            ps.setObject(3, token);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** The probe told nothing (a definite failure, a duplicate): give it back, the next attempt probes. */
    void releaseProbe(String scope, UUID token) throws SQLException {
        update("UPDATE " + table + " SET probe_token = NULL, probe_until = NULL, updated_at = clock_timestamp() "
                + "WHERE scope = ? AND probe_token = ?", scope, token);
    }

    private int update(String sql, String scope, Object... more) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            for (int i = 0; i < more.length; i++) {
                ps.setObject(i + 2, more[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("state"), rs.getInt("consecutive_failures"), instant(rs, "opened_at"),
                instant(rs, "open_until"), rs.getLong("opens"), rs.getLong("probes"), rs.getBoolean("cooling"),
                rs.getLong("remaining_ms"), rs.getBoolean("probing"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}

package dev.postbox.inbox.internal.breaker;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.inbox.internal.store.InboxDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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

    private final DataSource dataSource;
    private final String table;
    private final InboxDialect dialect;

    BreakerStore(DataSource dataSource, String table, InboxDialect dialect) {
        this.dataSource = dataSource;
        this.table = table;
        this.dialect = dialect;
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
        update(d -> d.inboxBreakerEnsure(table), scope);
    }

    Optional<Row> read(String scope) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + d.inboxBreakerColumns() + " FROM " + table
                    + " WHERE scope = ?")) {
                ps.setString(1, scope);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(d, rs)) : Optional.empty();
                }
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
        try (Connection c = dataSource.getConnection()) {
            Dialect.BreakerCount n = dialect.of(c).inboxBreakerFailed(c, table, scope, threshold, coolDown.toMillis());
            return new Counted(n.consecutiveFailures(), n.opened());
        }
    }

    /** A success in a CLOSED scope resets its count (no write when it is 0 already). */
    void succeeded(String scope) throws SQLException {
        update(d -> d.inboxBreakerSucceeded(table), scope);
    }

    /**
     * Takes the probe of a scope whose cool-down is over (OPEN or HALF_OPEN, no live probe): HALF_OPEN with this
     * token until {@code lease} from now. Of two instances trying at once, the second finds the token set.
     *
     * @return the failure count, or empty when the probe was not taken
     */
    Optional<Integer> takeProbe(String scope, UUID token, Duration lease) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxBreakerTakeProbe(table))) {
                d.bindUuid(ps, 1, token);
                ps.setLong(2, lease.toMillis());
                ps.setString(3, scope);
                return d.inboxBreakerExecute(c, ps, table, scope);
            }
        }
    }

    /** The probe succeeded: CLOSED, count 0. @return false when the probe was not this token's any more */
    boolean closeAfterProbe(String scope, UUID token) throws SQLException {
        return update(d -> d.inboxBreakerClose(table), scope, token) == 1;
    }

    /** The probe failed: OPEN again for {@code coolDown}. @return the failure count, or empty (not our probe) */
    Optional<Integer> reopenAfterProbe(String scope, UUID token, Duration coolDown) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxBreakerReopen(table))) {
                ps.setLong(1, coolDown.toMillis());
                ps.setString(2, scope);
                d.bindUuid(ps, 3, token);
                return d.inboxBreakerExecute(c, ps, table, scope);
            }
        }
    }

    /** The probe told nothing (a definite failure, a duplicate): give it back, the next attempt probes. */
    void releaseProbe(String scope, UUID token) throws SQLException {
        update(d -> d.inboxBreakerRelease(table), scope, token);
    }

    private int update(java.util.function.Function<Dialect, String> sql, String scope, UUID... token)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(sql.apply(d))) {
                ps.setString(1, scope);
                for (int i = 0; i < token.length; i++) {
                    d.bindUuid(ps, i + 2, token[i]);
                }
                return ps.executeUpdate();
            }
        }
    }

    private static Row row(Dialect d, ResultSet rs) throws SQLException {
        return new Row(rs.getString("state"), rs.getInt("consecutive_failures"), d.inboxInstant(rs, "opened_at"),
                d.inboxInstant(rs, "open_until"), rs.getLong("opens"), rs.getLong("probes"), rs.getBoolean("cooling"),
                rs.getLong("remaining_ms"), rs.getBoolean("probing"));
    }
}

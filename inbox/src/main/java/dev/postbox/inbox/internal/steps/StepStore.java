package dev.postbox.inbox.internal.steps;

import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.InboxStep;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The statements of the step table, each on the current transaction's connection; {@link StepRunner} decides when
 * and in which transaction. Times are the database's clock: a row's start is its insert time minus its duration.
 */
public final class StepStore {

    /** The progress and cursor row of a record. */
    static final int PROGRESS_SEQ = 0;

    private static final String COLUMNS = "seq, name, status, attempt, result, error, cursor_value, done, total, "
            + "started_at, duration_ms";

    private final DataSource dataSource;
    private final String table;
    private final String inboxTable;

    /** @param table the step table; @param inboxTable the inbox table (both already validated) */
    public StepStore(DataSource dataSource, String table, String inboxTable) {
        this.dataSource = dataSource;
        this.table = table;
        this.inboxTable = inboxTable;
    }

    /** A completed step: its name and stored result. */
    record Completed(int seq, String name, String result) {
    }

    /** The completed steps of a record, by position. */
    List<Completed> completed(String scope, String key) throws SQLException {
        String sql = "SELECT seq, name, result FROM " + table + " WHERE scope = ? AND idempotency_key = ? "
                + "AND status = 'COMPLETED' ORDER BY seq";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            List<Completed> steps = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(new Completed(rs.getInt(1), rs.getString(2), rs.getString(3)));
                }
            }
            return steps;
        }
    }

    /**
     * Records a completed step; false when the step already has a completed run (another worker's, after a
     * take-over), in which case nothing changed.
     */
    boolean insertCompleted(String scope, String key, int seq, String name, int attempt, String result,
            Duration duration) throws SQLException {
        return insert(scope, key, seq, name, "COMPLETED", attempt, result, null, duration, true);
    }

    /** Records a failed run of a step. */
    void insertFailed(String scope, String key, int seq, String name, int attempt, String error, Duration duration)
            throws SQLException {
        insert(scope, key, seq, name, "FAILED", attempt, null, error, duration, false);
    }

    private boolean insert(String scope, String key, int seq, String name, String status, int attempt,
            String result, String error, Duration duration, boolean unique) throws SQLException {
        String sql = "INSERT INTO " + table + " (scope, idempotency_key, seq, name, status, attempt, result, error, "
                + "started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + "clock_timestamp() - ? * interval '1 millisecond', ?)"
                + (unique ? " ON CONFLICT (scope, idempotency_key, seq) WHERE status <> 'FAILED' DO NOTHING" : "");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setInt(3, seq);
            ps.setString(4, name);
            ps.setString(5, status);
            ps.setInt(6, attempt);
            ps.setString(7, result);
            ps.setString(8, error);
            ps.setLong(9, duration.toMillis());
            ps.setLong(10, duration.toMillis());
            return ps.executeUpdate() == 1;
        }
    }

    /** Saves progress (done and total) or a cursor, whichever is not null, keeping the other as it was. */
    void saveProgress(String scope, String key, int attempt, Long done, Long total, String cursor)
            throws SQLException {
        String sql = "INSERT INTO " + table + " AS s (scope, idempotency_key, seq, name, status, attempt, done, total, "
                + "cursor_value, started_at, duration_ms) VALUES (?, ?, " + PROGRESS_SEQ
                + ", 'progress', 'PROGRESS', ?, ?, ?, ?, clock_timestamp(), 0) "
                + "ON CONFLICT (scope, idempotency_key, seq) WHERE status <> 'FAILED' DO UPDATE SET "
                + "attempt = EXCLUDED.attempt, started_at = EXCLUDED.started_at, "
                + "done = COALESCE(EXCLUDED.done, s.done), total = COALESCE(EXCLUDED.total, s.total), "
                + "cursor_value = COALESCE(EXCLUDED.cursor_value, s.cursor_value)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setInt(3, attempt);
            setLong(ps, 4, done);
            setLong(ps, 5, total);
            ps.setString(6, cursor);
            ps.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    /** Every run of the record's steps, in order (failed runs before the completed one of the same step). */
    public List<InboxStep> steps(String scope, String key) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE scope = ? AND idempotency_key = ? AND seq > 0 "
                + "ORDER BY seq, id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            List<InboxStep> steps = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(new InboxStep(rs.getInt("seq"), rs.getString("name"), rs.getString("status"),
                            rs.getInt("attempt"), rs.getTimestamp("started_at").toInstant(),
                            Duration.ofMillis(rs.getLong("duration_ms")), rs.getString("result"),
                            rs.getString("error")));
                }
            }
            return steps;
        }
    }

    /** The record's progress and cursor, if any was recorded. */
    public Optional<InboxProgress> progress(String scope, String key) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM " + table + " WHERE scope = ? AND idempotency_key = ? AND seq = "
                + PROGRESS_SEQ + " AND status = 'PROGRESS'";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp at = rs.getTimestamp("started_at");
                return Optional.of(new InboxProgress(rs.getObject("done", Long.class),
                        rs.getObject("total", Long.class), rs.getString("cursor_value"), rs.getInt("attempt"),
                        at.toInstant()));
            }
        }
    }

    /**
     * Deletes up to {@code batch} step rows whose record is gone (purged, or a first delivery that never came back)
     * and that are older than {@code retention}: younger rows may belong to a first delivery running right now, or
     * to one whose sender has not redelivered yet.
     *
     * @return rows deleted
     */
    public int purgeOrphans(Duration retention, int batch) throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE id IN (SELECT s.id FROM " + table + " s WHERE s.started_at < "
                + "clock_timestamp() - ? * interval '1 millisecond' AND NOT EXISTS (SELECT 1 FROM " + inboxTable
                + " r WHERE r.scope = s.scope AND r.idempotency_key = s.idempotency_key) LIMIT ? "
                + "FOR UPDATE SKIP LOCKED)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, retention.toMillis());
            ps.setInt(2, batch);
            return ps.executeUpdate();
        }
    }
}

package dev.postbox.inbox.internal.steps;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.inbox.internal.store.InboxDialect;
import dev.postbox.inbox.InboxProgress;
import dev.postbox.inbox.InboxStep;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    private final DataSource dataSource;
    private final String table;
    private final String inboxTable;
    private final InboxDialect dialect;

    /** @param table the step table; @param inboxTable the inbox table (both already validated) */
    public StepStore(DataSource dataSource, String table, String inboxTable, InboxDialect dialect) {
        this.dataSource = dataSource;
        this.table = table;
        this.inboxTable = inboxTable;
        this.dialect = dialect;
    }

    /** A completed step: its name and stored result. */
    record Completed(int seq, String name, String result) {
    }

    /** The completed steps of a record, by position. */
    List<Completed> completed(String scope, String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(dialect.of(c).inboxStepsCompleted(table))) {
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
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(d.inboxStepInsert(table, unique))) {
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
                return d.inboxStepExecuteInsert(ps, unique);
            }
        }
    }

    /** Saves progress (done and total) or a cursor, whichever is not null, keeping the other as it was. */
    void saveProgress(String scope, String key, int attempt, Long done, Long total, String cursor)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(dialect.of(c).inboxStepSaveProgress(table, PROGRESS_SEQ))) {
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
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(dialect.of(c).inboxStepsOf(table, false, PROGRESS_SEQ))) {
            ps.setString(1, scope);
            ps.setString(2, key);
            List<InboxStep> steps = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(new InboxStep(rs.getInt("seq"), rs.getString("name"), rs.getString("status"),
                            rs.getInt("attempt"), dialect.of(c).inboxInstant(rs, "started_at"),
                            Duration.ofMillis(rs.getLong("duration_ms")), rs.getString("result"),
                            rs.getString("error")));
                }
            }
            return steps;
        }
    }

    /** The record's progress and cursor, if any was recorded. */
    public Optional<InboxProgress> progress(String scope, String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(dialect.of(c).inboxStepsOf(table, true, PROGRESS_SEQ))) {
            ps.setString(1, scope);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                java.time.Instant at = dialect.of(c).inboxInstant(rs, "started_at");
                return Optional.of(new InboxProgress(rs.getObject("done", Long.class),
                        rs.getObject("total", Long.class), rs.getString("cursor_value"), rs.getInt("attempt"),
                        at));
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
        try (Connection c = dataSource.getConnection()) {
            return dialect.of(c).inboxStepPurgeOrphans(c, table, inboxTable, retention.toMillis(), batch);
        }
    }
}

package dev.postbox.inbox.internal.metrics;

import dev.postbox.inbox.internal.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import dev.postbox.inbox.internal.store.InboxDialect;
import javax.sql.DataSource;

/**
 * What waits in the inbox table, per scope, for every instance alike (read from the database, not counted here):
 * records due to run now (RECEIVED or FAILED past their next attempt time, IN_PROGRESS past their lease), those due
 * for more than {@link #OVERDUE_AFTER} (the scheduler is not keeping up, or not running), and DEAD records. One
 * grouped query, run at most every {@link #MAX_AGE} however often the gauges are read.
 */
public final class InboxBacklog {

    private static final Logger LOG = Logger.getLogger(InboxBacklog.class.getName());

    /** A record due for longer than this is overdue: every instance's scheduler polls far more often. */
    public static final Duration OVERDUE_AFTER = Duration.ofMinutes(1);
    /** How long one reading of the table serves the gauges. */
    public static final Duration MAX_AGE = Duration.ofSeconds(5);

    /** The backlog of one scope. */
    public record Counts(long due, long overdue, long dead) {
        static final Counts NONE = new Counts(0, 0, 0);
    }

    private final DataSource dataSource;
    private final Transactions tx;
    private final String table;
    private final InboxDialect dialect;
    private Map<String, Counts> last = Map.of();
    private long readAtNanos;
    private boolean read;

    /** @param table an already validated table name */
    public InboxBacklog(DataSource dataSource, Transactions tx, String table, InboxDialect dialect) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.table = table;
        this.dialect = dialect;
    }

    /** The backlog of {@code scope} (zeros when it has none). */
    public Counts of(String scope) {
        return snapshot().getOrDefault(scope, Counts.NONE);
    }

    /** Every scope with a backlog; read again when the last reading is older than {@link #MAX_AGE}. */
    public synchronized Map<String, Counts> snapshot() {
        if (read && System.nanoTime() - readAtNanos < MAX_AGE.toNanos()) {
            return last;
        }
        try {
            last = tx.requiresNew(this::query);
        } catch (Exception e) {
            // a gauge must answer: keep the last reading, and say why it is old
            LOG.log(Level.WARNING, "reading the inbox backlog for its metrics failed; the gauges show the last "
                    + "reading", e);
        }
        read = true;
        readAtNanos = System.nanoTime();
        return last;
    }

    private Map<String, Counts> query() throws Exception {
        Map<String, Counts> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(dialect.of(c).inboxBacklog(table, OVERDUE_AFTER.toMillis()));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), new Counts(rs.getLong(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return Map.copyOf(counts);
    }
}

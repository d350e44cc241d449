package dev.postbox.console.internal;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.store.InboxQueries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The console's read-only SQL over the Postbox tables (inbox, outbox, the relay's dead letters). Lists are pages
 * in (time, id) order, newest first, continued with a {@link Cursor}: each page is an index range scan of
 * {@code limit + 1} rows (the inbox's {@code (scope, created_at)} and {@code (status, created_at)} indexes, the
 * outbox's {@code ("timestamp")} index), however deep it is. Writes go through the modules' APIs, never here.
 *
 * <p>The statements that differ between databases are the {@code console} block of {@link Dialect}, chosen as the
 * inbox chooses its own: {@code postbox.dialect}, else the first connection's metadata.
 */
final class ConsoleQueries {

    /** What became of an outbox event, derived (the outbox table has no status: the relay reads the log). */
    enum OutboxStatus {
        /** Not parked, no consumer record yet (or no consumer scopes configured). */
        IN_FLIGHT,
        /** A consumer scope ({@code postbox.console.consumer-scopes}) has an inbox record for the event id. */
        DELIVERED,
        /** The relay's dead-letter table holds it as a poison event. */
        PARKED,
        /** Held back behind a parked event of the same aggregate. */
        WAITING
    }

    public record InboxFilter(String scope, Set<InboxStatus> statuses, Params.Range range, Cursor after, int limit) {
    }

    public record OutboxFilter(OutboxStatus status, String type, Params.Range range, Cursor after, int limit) {
    }

    public record Page<T>(List<T> items, String nextCursor) {
    }

    public record InboxRow(String id, String scope, String key, String status, int attempts, int maxAttempts,
            Instant nextAttemptAt, String lastError, String handler, Integer httpStatus, Instant createdAt,
            Instant updatedAt, Instant completedAt, List<InboxAttempt> history) {
    }

    public record OutboxRow(String id, String aggregateType, String aggregateId, String type, String payload,
            Instant timestamp, String status, String relayStatus, Integer relayAttempts, String relayError,
            Instant parkedAt, Instant replayRequestedAt, String consumer, String consumerStatus,
            Integer consumerAttempts, String consumerError) {
    }

    private final DataSource dataSource;
    private final String inbox;
    private final String outbox;
    private final String parked;
    private final List<String> consumerScopes;
    private final Optional<Dialect> forced;
    private final String datasourceKey;
    private volatile Dialect dialect;

    /**
     * Detects the dialect from the data source's metadata.
     *
     * @param parkedTable the relay's dead-letter table, or null when there is no relay (no PARKED/WAITING then)
     */
    ConsoleQueries(DataSource dataSource, String inboxTable, String outboxTable, String parkedTable,
            List<String> consumerScopes) {
        this(dataSource, inboxTable, outboxTable, parkedTable, consumerScopes, Optional.empty(),
                "postbox.console.datasource");
    }

    /**
     * @param forced the dialect {@code postbox.dialect} forces, or empty to detect it
     * @param datasourceKey the key naming the data source, for messages
     */
    ConsoleQueries(DataSource dataSource, String inboxTable, String outboxTable, String parkedTable,
            List<String> consumerScopes, Optional<Dialect> forced, String datasourceKey) {
        this.forced = forced;
        this.datasourceKey = datasourceKey;
        this.dataSource = dataSource;
        this.inbox = inboxTable;
        this.outbox = outboxTable;
        this.parked = parkedTable;
        this.consumerScopes = List.copyOf(consumerScopes);
    }

    /** The dialect of the data source: forced, or detected on the first call (one connection). */
    Dialect dialect() throws SQLException {
        Dialect d = dialect;
        if (d != null) {
            return d;
        }
        try (Connection c = dataSource.getConnection()) {
            return dialect(c);
        }
    }

    private Dialect dialect(Connection c) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            d = forced.isPresent() ? forced.get() : Dialects.detect(c.getMetaData(), datasourceKey);
            dialect = d;
        }
        return d;
    }

    /**
     * The database, for the summary: its name, and what the relay's lag measures on it (MariaDB has no replication
     * slot: the lag is binlog bytes after the relay's stored position).
     */
    public record DatabaseInfo(String name, String relayLag) {
    }

    DatabaseInfo database() throws SQLException {
        Dialect d = dialect();
        return new DatabaseInfo(d.displayName(), d.consoleRelayLag());
    }

    // ---------------------------------------------------------------- inbox

    Page<InboxRow> inbox(InboxFilter f) throws SQLException {
        List<InboxRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect(c);
            Sql sql = new Sql("select id, scope, idempotency_key, status, attempts, max_attempts, next_attempt_at, "
                    + "last_error, handler, http_status, created_at, updated_at, completed_at, "
                    + d.consoleJsonText("history") + " as history from " + inbox + " where true");
            inboxWhere(d, sql, f.scope(), f.statuses(), f.range());
            if (f.after() != null) {
                sql.and("(created_at, id) < (?, ?)", f.after().at(), f.after().id());
            }
            sql.append(" order by created_at desc, id desc limit ?", f.limit() + 1);
            try (PreparedStatement s = sql.prepare(d, c); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new InboxRow(rs.getString("id"), rs.getString("scope"),
                            rs.getString("idempotency_key"), rs.getString("status"), rs.getInt("attempts"),
                            rs.getInt("max_attempts"), d.inboxInstant(rs, "next_attempt_at"),
                            rs.getString("last_error"), rs.getString("handler"), integer(rs, "http_status"),
                            d.inboxInstant(rs, "created_at"), d.inboxInstant(rs, "updated_at"),
                            d.inboxInstant(rs, "completed_at"), InboxQueries.parseHistory(rs.getString("history"))));
                }
            }
        }
        return page(rows, f.limit(), r -> new Cursor(r.createdAt(), UUID.fromString(r.id())));
    }

    /**
     * The summary's records per scope and status, without reading the table on every refresh: the statuses still
     * moving or needing a person (RECEIVED, IN_PROGRESS, FAILED, DEAD: few records) are counted every time through
     * the {@code (status, created_at)} index; COMPLETED, nearly every record, is counted with a read of the whole
     * table at most once per {@code completedMaxAge}, shared by every console session of this instance.
     *
     * @param completedCountedAt when the COMPLETED figures were counted
     */
    record SummaryCounts(Map<String, Map<String, Long>> counts, Instant completedCountedAt) {
    }

    private static final List<String> OPEN_STATUSES = java.util.Arrays.stream(InboxStatus.values())
            .filter(s -> s != InboxStatus.COMPLETED).map(Enum::name).toList();
    private final Object completedLock = new Object();
    private Map<String, Long> completed;
    private Instant completedAt;
    private long completedAtNanos;

    SummaryCounts summaryCounts(java.time.Duration completedMaxAge) throws SQLException {
        Map<String, Long> done;
        Instant doneAt;
        synchronized (completedLock) {
            if (completed == null || System.nanoTime() - completedAtNanos >= completedMaxAge.toNanos()) {
                Map<String, Long> fresh = new TreeMap<>();
                try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                        "select scope, count(*) from " + inbox + " where status = 'COMPLETED' group by scope");
                        ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        fresh.put(rs.getString(1), rs.getLong(2));
                    }
                }
                completed = fresh;
                completedAt = Instant.now();
                completedAtNanos = System.nanoTime();
            }
            done = completed;
            doneAt = completedAt;
        }
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        done.forEach((scope, n) -> counts.computeIfAbsent(scope, k -> new TreeMap<>()).put("COMPLETED", n));
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect(c);
            Sql sql = new Sql("select scope, status, count(*) from " + inbox + " where "
                    + d.consoleAnyOf("status", OPEN_STATUSES.size()) + " group by scope, status",
                    new AnyOf(OPEN_STATUSES.toArray(String[]::new)));
            try (PreparedStatement s = sql.prepare(d, c); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2),
                            rs.getLong(3));
                }
            }
        }
        return new SummaryCounts(counts, doneAt);
    }

    /** Records per scope and status: {@code {scope: {status: count}}}. */
    Map<String, Map<String, Long>> inboxCounts() throws SQLException {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select scope, status, count(*) from " + inbox
                        + " group by scope, status");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                counts.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getLong(3));
            }
        }
        return counts;
    }

    /** How many DEAD records a bulk replay with this scope and time range would replay. */
    long deadCount(String scope, Params.Range range) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect(c);
            Sql sql = new Sql("select count(*) from " + inbox + " where true");
            inboxWhere(d, sql, scope, Set.of(InboxStatus.DEAD), range);
            try (PreparedStatement s = sql.prepare(d, c); ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The ids of those DEAD records, oldest first, at most {@code max}. */
    List<UUID> deadIds(String scope, Params.Range range, int max) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect(c);
            Sql sql = new Sql("select id from " + inbox + " where true");
            inboxWhere(d, sql, scope, Set.of(InboxStatus.DEAD), range);
            sql.append(" order by created_at, id limit ?", max);
            try (PreparedStatement s = sql.prepare(d, c); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(d.inboxUuid(rs, "id"));
                }
            }
        }
        return ids;
    }

    private static void inboxWhere(Dialect d, Sql sql, String scope, Set<InboxStatus> statuses,
            Params.Range range) {
        if (scope != null) {
            sql.and("scope = ?", scope);
        }
        if (!statuses.isEmpty()) {
            sql.and(d.consoleAnyOf("status", statuses.size()),
                    new AnyOf(statuses.stream().map(Enum::name).toArray(String[]::new)));
        }
        if (range.from() != null) {
            sql.and("created_at >= ?", range.from());
        }
        if (range.to() != null) {
            sql.and("created_at < ?", range.to());
        }
    }

    // ---------------------------------------------------------------- outbox

    Page<OutboxRow> outbox(OutboxFilter f) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect(c);
            String ts = d.consoleTimestampColumn("o");
            Sql sql = new Sql("select * from (" + d.consoleOutboxRows(outbox, inbox, parked, consumerScopes.size()),
                    new AnyOf(consumerScopes.toArray(String[]::new)));
            if (f.type() != null) {
                sql.and("(o.type = ? or o.aggregatetype = ?)", f.type(), f.type());
            }
            if (f.range().from() != null) {
                sql.and(ts + " >= ?", f.range().from());
            }
            if (f.range().to() != null) {
                sql.and(ts + " < ?", f.range().to());
            }
            if (f.after() != null) {
                sql.and("(" + ts + ", o.id) < (?, ?)", f.after().at(), f.after().id());
            }
            sql.append(") r where true");
            if (f.status() != null) {
                sql.and("status = ?", f.status().name());
            }
            sql.append(" order by " + d.consoleTimestampColumn(null) + " desc, id desc limit ?", f.limit() + 1);
            try (PreparedStatement s = sql.prepare(d, c); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getString("id"), rs.getString("aggregatetype"),
                            rs.getString("aggregateid"), rs.getString("type"), rs.getString("payload"),
                            d.inboxInstant(rs, "timestamp"), rs.getString("status"), rs.getString("relay_status"),
                            integer(rs, "relay_attempts"), rs.getString("relay_error"),
                            d.inboxInstant(rs, "parked_at"), d.inboxInstant(rs, "replay_requested_at"),
                            rs.getString("consumer"), rs.getString("consumer_status"),
                            integer(rs, "consumer_attempts"), rs.getString("consumer_error")));
                }
            }
        }
        return page(rows, f.limit(), r -> new Cursor(r.timestamp(), UUID.fromString(r.id())));
    }

    /** Outbox rows, and the relay's dead letters per status. */
    Map<String, Long> outboxCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("select count(*) from " + outbox);
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                counts.put("events", rs.getLong(1));
            }
            counts.put("PARKED", 0L);
            counts.put("WAITING", 0L);
            if (parked != null) {
                try (PreparedStatement s = c.prepareStatement("select status, count(*) from " + parked
                        + " group by status"); ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return counts;
    }

    /** The dead-letter status of an event (PARKED or WAITING), or null when it is not in the table. */
    String parkedStatus(UUID eventId) throws SQLException {
        if (parked == null) {
            return null;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select status from " + parked + " where event_id = ? order by seq desc limit 1")) {
            dialect(c).bindUuid(s, 1, eventId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static <T> Page<T> page(List<T> rows, int limit, java.util.function.Function<T, Cursor> cursor) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, cursor.apply(items.get(limit - 1)).encode());
    }

    /** An integer column, or null (MariaDB's driver may hand back another Number type for a null-typed column). */
    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /** The values of a {@link Dialect#consoleAnyOf} condition, as one parameter of {@link Sql}. */
    private record AnyOf(String[] values) {
    }

    /** A statement and its parameters, built together so that they never drift apart. */
    private static final class Sql {
        private final StringBuilder text;
        private final List<Object> params = new ArrayList<>();

        Sql(String start, Object... params) {
            this.text = new StringBuilder(start);
            this.params.addAll(List.of(params));
        }

        void and(String condition, Object... values) {
            append(" and " + condition, values);
        }

        void append(String part, Object... values) {
            text.append(part);
            params.addAll(List.of(values));
        }

        PreparedStatement prepare(Dialect d, Connection c) throws SQLException {
            PreparedStatement s = c.prepareStatement(text.toString());
            try {
                int index = 1;
                for (Object p : params) {
                    if (p instanceof AnyOf any) {
                        index = d.consoleBindAnyOf(c, s, index, any.values());
                    } else if (p instanceof Instant instant) {
                        d.inboxBindInstant(s, index++, instant);
                    } else if (p instanceof UUID id) {
                        d.bindUuid(s, index++, id);
                    } else {
                        s.setObject(index++, p);
                    }
                }
                return s;
            } catch (SQLException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }
}

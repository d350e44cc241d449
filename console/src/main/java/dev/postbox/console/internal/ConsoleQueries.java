package dev.postbox.console.internal;

import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.store.InboxQueries;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The console's read-only SQL over the Postbox tables (inbox, outbox, the relay's dead letters). Lists are pages
 * in (time, id) order, newest first, continued with a {@link Cursor}: each page is an index range scan of
 * {@code limit + 1} rows (the inbox's {@code (scope, created_at)} and {@code (status, created_at)} indexes, the
 * outbox's {@code ("timestamp")} index), however deep it is. Writes go through the modules' APIs, never here.
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

    /**
     * @param parkedTable the relay's dead-letter table, or null when there is no relay (no PARKED/WAITING then)
     */
    ConsoleQueries(DataSource dataSource, String inboxTable, String outboxTable, String parkedTable,
            List<String> consumerScopes) {
        this.dataSource = dataSource;
        this.inbox = inboxTable;
        this.outbox = outboxTable;
        this.parked = parkedTable;
        this.consumerScopes = List.copyOf(consumerScopes);
    }

    // ---------------------------------------------------------------- inbox

    Page<InboxRow> inbox(InboxFilter f) throws SQLException {
        Sql sql = new Sql("select id, scope, idempotency_key, status, attempts, max_attempts, next_attempt_at, "
                + "last_error, handler, http_status, created_at, updated_at, completed_at, history::text as history "
                + "from " + inbox + " where true");
        inboxWhere(sql, f.scope(), f.statuses(), f.range());
        if (f.after() != null) {
            sql.and("(created_at, id) < (?, ?)", time(f.after().at()), f.after().id());
        }
        sql.append(" order by created_at desc, id desc limit ?", f.limit() + 1);
        List<InboxRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = sql.prepare(c);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new InboxRow(rs.getString("id"), rs.getString("scope"), rs.getString("idempotency_key"),
                        rs.getString("status"), rs.getInt("attempts"), rs.getInt("max_attempts"),
                        instant(rs, "next_attempt_at"), rs.getString("last_error"), rs.getString("handler"),
                        (Integer) rs.getObject("http_status"), instant(rs, "created_at"), instant(rs, "updated_at"),
                        instant(rs, "completed_at"), InboxQueries.parseHistory(rs.getString("history"))));
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
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select scope, status, count(*) from " + inbox + " where status = any(?) group by scope, status")) {
            s.setArray(1, c.createArrayOf("varchar", OPEN_STATUSES.toArray()));
            try (ResultSet rs = s.executeQuery()) {
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
        Sql sql = new Sql("select count(*) from " + inbox + " where true");
        inboxWhere(sql, scope, Set.of(InboxStatus.DEAD), range);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = sql.prepare(c);
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The ids of those DEAD records, oldest first, at most {@code max}. */
    List<UUID> deadIds(String scope, Params.Range range, int max) throws SQLException {
        Sql sql = new Sql("select id from " + inbox + " where true");
        inboxWhere(sql, scope, Set.of(InboxStatus.DEAD), range);
        sql.append(" order by created_at, id limit ?", max);
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = sql.prepare(c);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private static void inboxWhere(Sql sql, String scope, Set<InboxStatus> statuses, Params.Range range) {
        if (scope != null) {
            sql.and("scope = ?", scope);
        }
        if (!statuses.isEmpty()) {
            sql.and("status = any(?)", (Object) statuses.stream().map(Enum::name).toArray(String[]::new));
        }
        if (range.from() != null) {
            sql.and("created_at >= ?", time(range.from()));
        }
        if (range.to() != null) {
            sql.and("created_at < ?", time(range.to()));
        }
    }

    // ---------------------------------------------------------------- outbox

    Page<OutboxRow> outbox(OutboxFilter f) throws SQLException {
        String parkedColumns = parked == null
                ? "null::varchar as relay_status, null::int as relay_attempts, null::text as relay_error, "
                        + "null::timestamptz as parked_at, null::timestamptz as replay_requested_at"
                : "p.status as relay_status, p.attempts as relay_attempts, p.last_error as relay_error, "
                        + "p.parked_at, p.replay_requested_at";
        String parkedJoin = parked == null ? ""
                : " left join lateral (select status, attempts, last_error, parked_at, replay_requested_at from "
                        + parked + " where event_id = o.id order by seq desc limit 1) p on true";
        Sql sql = new Sql("select * from (select o.id, o.aggregatetype, o.aggregateid, o.type, "
                + "o.payload::text as payload, o.\"timestamp\", " + parkedColumns + ", "
                + "c.scope as consumer, c.status as consumer_status, c.attempts as consumer_attempts, "
                + "c.last_error as consumer_error, "
                + "case when " + (parked == null ? "false" : "p.status is not null") + " then "
                + (parked == null ? "null" : "p.status") + " when c.scope is not null then 'DELIVERED' "
                + "else 'IN_FLIGHT' end as status from " + outbox + " o" + parkedJoin
                + " left join lateral (select i.scope, i.status, i.attempts, i.last_error from " + inbox
                + " i where i.scope = any(?) and i.idempotency_key = o.id::text order by i.created_at limit 1) c"
                + " on true where true", (Object) consumerScopes.toArray(String[]::new));
        if (f.type() != null) {
            sql.and("(o.type = ? or o.aggregatetype = ?)", f.type(), f.type());
        }
        if (f.range().from() != null) {
            sql.and("o.\"timestamp\" >= ?", time(f.range().from()));
        }
        if (f.range().to() != null) {
            sql.and("o.\"timestamp\" < ?", time(f.range().to()));
        }
        if (f.after() != null) {
            sql.and("(o.\"timestamp\", o.id) < (?, ?)", time(f.after().at()), f.after().id());
        }
        sql.append(") r where true");
        if (f.status() != null) {
            sql.and("status = ?", f.status().name());
        }
        sql.append(" order by \"timestamp\" desc, id desc limit ?", f.limit() + 1);
        List<OutboxRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = sql.prepare(c);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(new OutboxRow(rs.getString("id"), rs.getString("aggregatetype"),
                        rs.getString("aggregateid"), rs.getString("type"), rs.getString("payload"),
                        instant(rs, "timestamp"), rs.getString("status"), rs.getString("relay_status"),
                        (Integer) rs.getObject("relay_attempts"), rs.getString("relay_error"),
                        instant(rs, "parked_at"), instant(rs, "replay_requested_at"), rs.getString("consumer"),
                        rs.getString("consumer_status"), (Integer) rs.getObject("consumer_attempts"),
                        rs.getString("consumer_error")));
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
            s.setObject(1, eventId);
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

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
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

        PreparedStatement prepare(Connection c) throws SQLException {
            PreparedStatement s = c.prepareStatement(text.toString());
            try {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof String[] array) {
                        Array a = c.createArrayOf("varchar", array);
                        s.setArray(i + 1, a);
                    } else {
                        s.setObject(i + 1, p);
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

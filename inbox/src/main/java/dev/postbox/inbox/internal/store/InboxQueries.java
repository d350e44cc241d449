package dev.postbox.inbox.internal.store;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.internal.json.CanonicalJson;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The read side of the inbox table: records as {@link InboxRecord}s with their attempt history, found by id or key,
 * or listed by scope, status and time. Nothing here changes a record (that is {@link InboxStore}, driven by
 * {@code InboxEngine}). Works on the data source's connection of the current transaction.
 */
public final class InboxQueries {

    private final DataSource dataSource;
    private final String table;
    private final InboxDialect dialect;

    /** @param table an already validated table name */
    public InboxQueries(DataSource dataSource, String table, InboxDialect dialect) {
        this.dataSource = dataSource;
        this.table = table;
        this.dialect = dialect;
    }

    public Optional<InboxRecord> find(UUID id) throws SQLException {
        return queryRecords(d -> d.inboxRecordById(table), List.of(id)).stream().findFirst();
    }

    public Optional<InboxRecord> find(String scope, String key) throws SQLException {
        return queryRecords(d -> d.inboxRecordByKey(table), List.of(scope, key)).stream().findFirst();
    }

    public List<InboxRecord> list(InboxHistory.Filter filter) throws SQLException {
        List<Object> params = new ArrayList<>();
        if (filter.scope() != null) {
            params.add(filter.scope());
        }
        for (InboxStatus s : filter.statuses()) {
            params.add(s.name());
        }
        if (filter.from() != null) {
            params.add(filter.from());
        }
        if (filter.to() != null) {
            params.add(filter.to());
        }
        return queryRecords(d -> d.inboxRecordList(table, filter.scope() != null, filter.statuses().size(),
                filter.from() != null, filter.to() != null, filter.limit()), params);
    }

    private List<InboxRecord> queryRecords(java.util.function.Function<Dialect, String> sql, List<Object> params)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Dialect d = dialect.of(c);
            try (PreparedStatement ps = c.prepareStatement(sql.apply(d))) {
                for (int i = 0; i < params.size(); i++) {
                    Object p = params.get(i);
                    if (p instanceof Instant instant) {
                        d.inboxBindInstant(ps, i + 1, instant);
                    } else if (p instanceof UUID id) {
                        d.bindUuid(ps, i + 1, id);
                    } else {
                        ps.setObject(i + 1, p);
                    }
                }
                List<InboxRecord> records = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        records.add(mapRecord(d, rs));
                    }
                }
                return records;
            }
        }
    }

    private static InboxRecord mapRecord(Dialect d, ResultSet rs) throws SQLException {
        return new InboxRecord(
                d.inboxUuid(rs, "id"),
                rs.getString("scope"),
                rs.getString("idempotency_key"),
                rs.getString("fingerprint"),
                InboxStatus.valueOf(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getInt("max_attempts"),
                d.inboxInstant(rs, "next_attempt_at"),
                d.inboxInstant(rs, "locked_until"),
                rs.getString("last_error"),
                rs.getString("handler"),
                rs.getString("result"),
                (Integer) rs.getObject("http_status"),
                d.inboxInstant(rs, "created_at"),
                d.inboxInstant(rs, "updated_at"),
                d.inboxInstant(rs, "completed_at"),
                d.inboxInstant(rs, "expires_at"),
                parseHistory(rs.getString("history")));
    }

    /** The attempts of a record's {@code history} column (a JSON array), oldest first; null = none. */
    public static List<InboxAttempt> parseHistory(String json) {
        if (json == null) {
            return List.of();
        }
        List<InboxAttempt> attempts = new ArrayList<>();
        for (JsonValue v : (JsonArray) CanonicalJson.parse(json)) {
            JsonObject o = v.asJsonObject();
            attempts.add(new InboxAttempt(o.getInt("attempt", 0), time(o, "startedAt"), time(o, "endedAt"),
                    text(o, "outcome"), text(o, "error")));
        }
        return attempts;
    }

    private static Instant time(JsonObject o, String name) {
        String text = text(o, name);
        return text == null ? null : OffsetDateTime.parse(text).toInstant();
    }

    private static String text(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v instanceof JsonString s ? s.getString() : null;
    }

}

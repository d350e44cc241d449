package dev.postbox.relay.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The dead-letter table, rows of one relay (slot) only. */
final class ParkedStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Database db;
    private final Dialect dialect;
    private final String columns;
    private final String table;
    private final String relay;

    /** The pipeline's connection (see {@link #withKeptConnection}); null: each call opens its own. Guarded by this. */
    private Connection kept;
    private final boolean keep;
    private volatile boolean closed;

    ParkedStore(Database db, String table, String relay) {
        this(db, table, relay, false);
    }

    private ParkedStore(Database db, String table, String relay, boolean keep) {
        this.db = db;
        this.dialect = db.dialect();
        this.columns = dialect.relayParkedColumns();
        this.table = table;
        this.relay = relay;
        this.keep = keep;
    }

    /**
     * The same table through one connection kept open until {@link #close()}, for the active relay's pipeline: parking
     * a lane and replaying write one row per event, and opening a PostgreSQL connection for each (a backend process and
     * the authentication) cost up to a second per row on a loaded host, which made a replay of a few hundred rows take
     * minutes. Its calls are serialized.
     */
    ParkedStore withKeptConnection() {
        return new ParkedStore(db, table, relay, true);
    }

    /** Closes the kept connection; later calls open their own. */
    void close() {
        closed = true;
        synchronized (this) {
            discard();
        }
    }

    private interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on the kept connection (or on a new one). A failure on a kept connection that was used before
     * (the database may have restarted meanwhile) drops it and runs the work once more on a new one: every statement
     * of this class may run twice (inserts ignore duplicates, the others find their rows or none).
     */
    private <T> T run(SqlWork<T> work) throws SQLException {
        if (!keep || closed) {
            try (Connection c = db.open()) {
                return work.apply(c);
            }
        }
        synchronized (this) {
            if (closed) {
                try (Connection c = db.open()) {
                    return work.apply(c);
                }
            }
            boolean reused = kept != null;
            if (!reused) {
                kept = db.open();
            }
            try {
                return work.apply(kept);
            } catch (SQLException e) {
                discard();
                if (!reused || closed) {
                    throw e;
                }
            }
            kept = db.open();
            try {
                return work.apply(kept);
            } catch (SQLException e) {
                discard();
                throw e;
            }
        }
    }

    private void discard() {
        if (kept != null) {
            try {
                kept.close();
            } catch (SQLException ignored) {
                // already broken
            }
            kept = null;
        }
    }

    /** Fails with a clear message when the relay's DDL was not applied. */
    void verifyTable() throws SQLException {
        try (Connection c = db.open()) {
            if (!dialect.relayTableExists(c, table)) {
                throw new SQLException("table " + table + " does not exist: apply " + dialect.relayMigration()
                        + " (shipped in postbox-debezium) before starting the relay");
            }
        }
    }

    /**
     * Fails naming the setting and the fix when the server cannot feed the relay (PostgreSQL's wal_level;
     * MariaDB's binlog settings and the user's replication grants).
     */
    void verifyServer() throws SQLException {
        List<String> problems;
        try (Connection c = db.open()) {
            problems = dialect.relayServerProblems(c);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(dialect.displayName() + " at " + db.url().replaceFirst("\\?.*", "")
                    + " cannot feed the relay: " + String.join("; ", problems));
        }
    }

    Set<AggregateKey> parkedAggregates() throws SQLException {
        Set<AggregateKey> result = new LinkedHashSet<>();
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(
                "select distinct aggregatetype, aggregateid from " + table + " where relay = ?")) {
            ps.setString(1, relay);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new AggregateKey(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return result;
    }

    /** Inserts a row; a second insert of the same event (redelivered after a restart) is ignored. */
    void insert(RelayEvent e, ParkedEvent.Status status, int attempts, String error, Instant firstFailedAt)
            throws SQLException {
        run(c -> insert(c, e, status, attempts, error, firstFailedAt));
    }

    private Void insert(Connection c, RelayEvent e, ParkedEvent.Status status, int attempts, String error,
            Instant firstFailedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.relayParkedInsert(table))) {
            ps.setString(1, relay);
            ps.setString(2, status.name());
            dialect.bindUuid(ps, 3, e.id());
            ps.setString(4, e.aggregateType());
            ps.setString(5, e.aggregateId());
            ps.setString(6, e.type());
            if (e.payload() == null) {
                ps.setNull(7, Types.VARCHAR);
            } else {
                ps.setString(7, e.payload());
            }
            dialect.bindTimestamp(ps, 8, e.timestamp());
            ps.setString(9, toJson(e.headers()));
            ps.setString(10, e.sourcePosition());
            ps.setInt(11, attempts);
            ps.setString(12, error);
            if (firstFailedAt == null) {
                ps.setTimestamp(13, null);
            } else {
                dialect.bindTimestamp(ps, 13, firstFailedAt);
            }
            ps.executeUpdate();
        }
        return null;
    }

    List<ParkedEvent> list(int limit) throws SQLException {
        return query("select " + columns + " from " + table + " where relay = ? order by seq limit " + Math.max(0, limit));
    }

    List<ParkedEvent> forAggregate(String type, String id) throws SQLException {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + columns + " from " + table
                    + " where relay = ? and aggregatetype = ? and aggregateid = ? order by seq")) {
                ps.setString(1, relay);
                ps.setString(2, type);
                ps.setString(3, id);
                return read(ps);
            }
        });
    }

    long count() throws SQLException {
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("select count(*) from " + table + " where relay = ?")) {
            ps.setString(1, relay);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    boolean requestReplay(UUID eventId) throws SQLException {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(dialect.relayRequestReplay(table))) {
            ps.setString(1, relay);
            dialect.bindUuid(ps, 2, eventId);
            return ps.executeUpdate() > 0;
        }
    }

    List<AggregateKey> replayRequests() throws SQLException {
        List<AggregateKey> result = new ArrayList<>();
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement("select aggregatetype, aggregateid from "
                + table + " where relay = ? and replay_requested_at is not null order by seq")) {
            ps.setString(1, relay);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new AggregateKey(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return result;
    }

    /**
     * Deletes a replayed row. When it was the aggregate's PARKED head, the next row of the aggregate becomes the
     * PARKED head and inherits the replay request, in the same statement: a replay interrupted by a crash or a stop
     * is then finished by the next active relay, and the aggregate always has a head that {@code replay} accepts.
     * (Deleting the head alone left WAITING rows that no replay request covered and no API could replay.)
     */
    void deleteReplayed(long seq) throws SQLException {
        run(c -> {
            dialect.relayDeleteReplayed(c, table, seq);
            return null;
        });
    }

    /** A replayed event failed again: it becomes (or stays) the parked head of its aggregate. */
    void replayFailed(long seq, int attempts, String error) throws SQLException {
        run(c -> replayFailed(c, seq, attempts, error));
    }

    private Void replayFailed(Connection c, long seq, int attempts, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.relayReplayFailed(table))) {
            ps.setInt(1, attempts);
            ps.setString(2, error);
            ps.setLong(3, seq);
            ps.executeUpdate();
        }
        return null;
    }

    private List<ParkedEvent> query(String sql) throws SQLException {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, relay);
            return read(ps);
        }
    }

    private List<ParkedEvent> read(PreparedStatement ps) throws SQLException {
        List<ParkedEvent> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                RelayEvent event = new RelayEvent(dialect.readUuid(rs, 3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), fromJson(rs.getString(9)), dialect.readTimestamp(rs, 8),
                        rs.getString(10));
                result.add(new ParkedEvent(rs.getLong(1), event, ParkedEvent.Status.valueOf(rs.getString(2)),
                        rs.getInt(11), rs.getString(12), dialect.readTimestamp(rs, 13), dialect.readTimestamp(rs, 14),
                        dialect.readTimestamp(rs, 15)));
            }
        }
        return result;
    }

    private static String toJson(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fromJson(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }
}

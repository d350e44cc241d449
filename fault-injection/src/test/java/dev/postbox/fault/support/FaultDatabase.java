package dev.postbox.fault.support;

import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.jta.LocalJta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One scenario's database: the shipped DDL of outbox (V1_1), inbox (V1_2), relay (V1_3) and inbox steps (V1_4), a
 * business table the producer writes to, and the consumer's effect table. The effect table has no unique constraint on purpose: a
 * second effect of the same event must show up as a second row, not be hidden by the database.
 */
public final class FaultDatabase {

    public final PostgresServer.Database db;
    public final LocalJta jta;

    private FaultDatabase(PostgresServer.Database db) {
        this.db = db;
        this.jta = new LocalJta(db.dataSource());
    }

    /** A fresh database on the JVM's shared PostgreSQL. */
    public static FaultDatabase create(String prefix) {
        return create(PostgresServer.shared(), prefix);
    }

    public static FaultDatabase create(PostgresServer server, String prefix) {
        FaultDatabase d = new FaultDatabase(server.createDatabase(prefix));
        d.db.execute(shipped("db/postbox/V1_1__postbox_outbox.sql"), shipped("db/postbox/V1_2__postbox_inbox.sql"),
                shipped("db/postbox/V1_3__postbox_relay.sql"), shipped("db/postbox/V1_4__postbox_inbox_steps.sql"),
                "CREATE TABLE orders (id bigserial PRIMARY KEY, ref varchar(64) NOT NULL, "
                        + "created_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE TABLE effect (id bigserial PRIMARY KEY, event_id uuid NOT NULL, aggregate_id varchar(255), "
                        + "seq integer, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        return d;
    }

    /** A migration script as shipped in the module jars. */
    public static String shipped(String resource) {
        try (InputStream in = FaultDatabase.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return db.name();
    }

    /** Ids of the committed outbox rows: the truth every scenario is checked against. */
    public Set<UUID> committedIds() {
        Set<UUID> ids = new HashSet<>();
        query("SELECT id FROM outbox_event", rs -> ids.add(rs.getObject(1, UUID.class)));
        return ids;
    }

    /** The inserting transaction id of each committed outbox row. */
    public Map<UUID, Long> xmins() {
        Map<UUID, Long> result = new HashMap<>();
        query("SELECT id, xmin::text::bigint FROM outbox_event", rs -> result.put(rs.getObject(1, UUID.class),
                rs.getLong(2)));
        return result;
    }

    /** Number of effect rows per event id. */
    public Map<UUID, Integer> effects() {
        Map<UUID, Integer> result = new HashMap<>();
        query("SELECT event_id, count(*) FROM effect GROUP BY event_id",
                rs -> result.put(rs.getObject(1, UUID.class), rs.getInt(2)));
        return result;
    }

    public long count(String sql) {
        return db.queryLong(sql);
    }

    /** Writes the consumer's business effect on the current JTA transaction's connection. */
    public void applyEffect(LocalJta tm, UUID eventId, String aggregateId, int seq) throws SQLException {
        try (Connection c = tm.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO effect (event_id, aggregate_id, seq) VALUES (?, ?, ?)")) {
            ps.setObject(1, eventId);
            ps.setString(2, aggregateId);
            ps.setInt(3, seq);
            ps.executeUpdate();
        }
    }

    public interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    public void query(String sql, RowReader reader) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + db.name() + ": " + e.getMessage(), e);
        }
    }
}

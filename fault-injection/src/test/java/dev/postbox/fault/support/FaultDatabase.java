package dev.postbox.fault.support;

import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One scenario's database: the shipped DDL of outbox (V1_1), inbox (V1_2), relay (V1_3) and inbox steps (V1_4), a
 * business table the producer writes to, and the consumer's effect table. The effect table has no unique constraint on purpose: a
 * second effect of the same event must show up as a second row, not be hidden by the database.
 *
 * <p>On PostgreSQL ({@link #create(String)}) or on MariaDB ({@link #createMariaDb(String)}: the shipped MariaDB DDL
 * under {@code db/mariadb/postbox/}, with the inbox's later scripts as {@code Dialects.mariadb()} lists them, and the
 * same two test tables in MariaDB's types).
 */
public final class FaultDatabase {

    /** The database a scenario runs on. */
    public enum Product {
        POSTGRESQL,
        MARIADB
    }

    public final TestDatabase db;
    public final LocalJta jta;
    public final Product product;

    private FaultDatabase(TestDatabase db, Product product) {
        this.db = db;
        this.product = product;
        this.jta = new LocalJta(product == Product.MARIADB ? warm(db.dataSource()) : db.dataSource());
    }

    /** A fresh database on the JVM's shared server of that product. */
    public static FaultDatabase create(Product product, String prefix) {
        return product == Product.MARIADB ? createMariaDb(prefix) : create(prefix);
    }

    /** A fresh database on the JVM's shared PostgreSQL. */
    public static FaultDatabase create(String prefix) {
        return create(PostgresServer.shared(), prefix);
    }

    public static FaultDatabase create(PostgresServer server, String prefix) {
        FaultDatabase d = new FaultDatabase(server.createDatabase(prefix), Product.POSTGRESQL);
        d.db.execute(shipped("db/postbox/V1_1__postbox_outbox.sql"), shipped("db/postbox/V1_2__postbox_inbox.sql"),
                shipped("db/postbox/V1_3__postbox_relay.sql"), shipped("db/postbox/V1_4__postbox_inbox_steps.sql"),
                "CREATE TABLE orders (id bigserial PRIMARY KEY, ref varchar(64) NOT NULL, "
                        + "created_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "CREATE TABLE effect (id bigserial PRIMARY KEY, event_id uuid NOT NULL, aggregate_id varchar(255), "
                        + "seq integer, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        return d;
    }

    /**
     * A fresh database on the JVM's shared MariaDB 10.11 ({@link MariaDbServer#shared()}). Its name starts with
     * {@code m_}: the Kafka topics are named after the database, and a PostgreSQL scenario of the same JVM may have
     * the same prefix.
     */
    public static FaultDatabase createMariaDb(String prefix) {
        return createMariaDb(MariaDbServer.shared(), prefix);
    }

    /** A fresh database on a scenario's own MariaDB server. */
    public static FaultDatabase createMariaDb(MariaDbServer server, String prefix) {
        FaultDatabase d = new FaultDatabase(server.createDatabase("m_" + prefix), Product.MARIADB);
        List<String> scripts = new ArrayList<>(List.of("db/mariadb/postbox/V1_1__postbox_outbox.sql",
                "db/mariadb/postbox/V1_3__postbox_relay.sql"));
        scripts.addAll(Dialects.mariadb().inboxMigrations());
        for (String script : scripts) {
            d.db.execute(statements(shipped(script)));
        }
        d.db.execute("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, ref VARCHAR(64) NOT NULL, "
                        + "created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)) ENGINE = InnoDB",
                "CREATE TABLE effect (id BIGINT AUTO_INCREMENT PRIMARY KEY, event_id CHAR(36) NOT NULL, "
                        + "aggregate_id VARCHAR(255), seq INTEGER, "
                        + "applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)) ENGINE = InnoDB");
        return d;
    }

    /**
     * MariaDB's {@code MariaDbDataSource} reads its configuration on the first {@code getConnection()} without
     * synchronisation: threads racing on that first call may connect without the user. One connection first.
     */
    private static DataSource warm(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return dataSource;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the scenario's database: " + e.getMessage(), e);
        }
    }

    /** A MariaDB script as single statements (JDBC runs one at a time): comments dropped, split at ';'. */
    static String[] statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return Arrays.stream(sql.toString().split(";")).map(String::trim).filter(t -> !t.isEmpty())
                .toArray(String[]::new);
    }

    /** A scenario's name for its figure line: as it is on PostgreSQL, with " (MariaDB)" on MariaDB. */
    public String scenario(String name) {
        return isMariaDb() ? name + " (MariaDB)" : name;
    }

    public boolean isMariaDb() {
        return product == Product.MARIADB;
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
        query("SELECT id FROM outbox_event", rs -> ids.add(uuid(rs, 1)));
        return ids;
    }

    /** The inserting transaction id of each committed outbox row (PostgreSQL only: {@code xmin}). */
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
                rs -> result.put(uuid(rs, 1), rs.getInt(2)));
        return result;
    }

    /** A UUID column: PostgreSQL's {@code uuid}, MariaDB's {@code CHAR(36)}. */
    private UUID uuid(ResultSet rs, int column) throws SQLException {
        return isMariaDb() ? UUID.fromString(rs.getString(column)) : rs.getObject(column, UUID.class);
    }

    public long count(String sql) {
        return db.queryLong(sql);
    }

    /** Writes the consumer's business effect on the current JTA transaction's connection. */
    public void applyEffect(LocalJta tm, UUID eventId, String aggregateId, int seq) throws SQLException {
        try (Connection c = tm.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO effect (event_id, aggregate_id, seq) VALUES (?, ?, ?)")) {
            if (isMariaDb()) {
                ps.setString(1, eventId.toString());
            } else {
                ps.setObject(1, eventId);
            }
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

package dev.postbox.outbox.support;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What differs between the databases an outbox suite runs on, for the tests' own fixtures and read-back queries
 * (the code under test takes its SQL from the {@link Dialect}): the shipped DDL, how a JSON column reads as text
 * and a field of it, how the id and the timestamp come back through JDBC, and how the database's change log (what
 * the relay reads) is observed.
 */
public enum OutboxDatabase {

    POSTGRESQL(Dialects.postgresql()) {
        @Override
        public TestDatabase createDatabase(String prefix) {
            TestDatabase db = PostgresServer.shared().createDatabase(prefix);
            db.execute(OutboxHarness.shippedDdl(), PURCHASE_ORDER);
            return db;
        }

        @Override
        public String jsonText(String column) {
            return column + "::text";
        }

        @Override
        public String jsonField(String column, String field) {
            return column + "->>'" + field + "'";
        }

        @Override
        public String quoted(String identifier) {
            return "\"" + identifier + "\"";
        }

        @Override
        public String storedJson(String asGiven, String asJsonb) {
            return asJsonb;
        }

        @Override
        public Object idValue(UUID id) {
            return id;
        }

        @Override
        public Instant instant(Object value) {
            return ((java.sql.Timestamp) value).toInstant();
        }

        @Override
        public ChangeLog openChangeLog(TestDatabase db, String name) {
            Rows.LogSlot slot = new Rows.LogSlot(db, name);
            return new ChangeLog() {
                @Override
                public List<String> insertedIds(int expected) {
                    return OutboxHarness.insertedIdsInLogOrder(last = slot.changes());
                }

                private List<String> last = List.of();

                @Override
                public boolean deleted(String id) {
                    return last.stream().anyMatch(c -> c.startsWith("table public.outbox_event: DELETE:")
                            && c.contains(id));
                }

                @Override
                public void close() {
                    slot.close();
                }
            };
        }
    },

    MARIADB(Dialects.mariadb()) {
        @Override
        public TestDatabase createDatabase(String prefix) {
            TestDatabase db = MariaDbServer.shared().createDatabase(prefix);
            db.execute(statements(script(dialect().outboxMigration())));
            db.execute(PURCHASE_ORDER);
            return db;
        }

        @Override
        public String jsonText(String column) {
            return column;
        }

        @Override
        public String jsonField(String column, String field) {
            return "json_value(" + column + ", '$." + field + "')";
        }

        @Override
        public String quoted(String identifier) {
            return "`" + identifier + "`";
        }

        @Override
        public String storedJson(String asGiven, String asJsonb) {
            return asGiven;
        }

        @Override
        public Object idValue(UUID id) {
            return id.toString();
        }

        @Override
        public Instant instant(Object value) {
            // DATETIME(6) holds UTC; the driver returns it as a LocalDateTime or a Timestamp of that wall-clock time
            LocalDateTime utc = value instanceof java.sql.Timestamp t ? t.toLocalDateTime() : (LocalDateTime) value;
            return utc.toInstant(ZoneOffset.UTC);
        }

        @Override
        public ChangeLog openChangeLog(TestDatabase db, String name) {
            return new Binlog(db);
        }
    };

    static final String PURCHASE_ORDER = "create table purchase_order (id varchar(64) primary key, "
            + "status varchar(32), amount numeric(12,2))";

    private final Dialect dialect;

    OutboxDatabase(Dialect dialect) {
        this.dialect = dialect;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A new database with the shipped outbox DDL and a purchase_order table. */
    public abstract TestDatabase createDatabase(String prefix);

    /** A JSON column as its stored text. */
    public abstract String jsonText(String column);

    /** One top-level field of a JSON column, as text. */
    public abstract String jsonField(String column, String field);

    /** An identifier quoted (for {@code timestamp}). */
    public abstract String quoted(String identifier);

    /**
     * The text a JSON column gives back: PostgreSQL's {@code jsonb} normalizes it (key order, spaces), MariaDB's
     * {@code JSON} keeps it as given.
     */
    public abstract String storedJson(String asGiven, String asJsonb);

    /** What JDBC returns for an id column holding {@code id}. */
    public abstract Object idValue(UUID id);

    /** The instant a timestamp column holds, from what JDBC returns for it. */
    public abstract Instant instant(Object value);

    /** Starts observing the change log of {@code db} (what the relay reads) from now on. */
    public abstract ChangeLog openChangeLog(TestDatabase db, String name);

    /** The outbox rows' inserts (and deletes) as the database's change log carries them, in log order. */
    public interface ChangeLog extends AutoCloseable {
        /** Ids of inserted outbox rows since the log was opened, waiting up to 10 s for {@code expected} of them. */
        List<String> insertedIds(int expected) throws Exception;

        /** True once the log carried a delete of the outbox row {@code id} (after {@link #insertedIds}). */
        boolean deleted(String id);

        @Override
        void close();
    }

    static String script(String resource) {
        try (InputStream in = OutboxDatabase.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A script's statements, for drivers that run one statement per call (MariaDB's, by default). */
    public static String[] statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return Arrays.stream(sql.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }

    /**
     * MariaDB's binlog read as a replica would (mysql-binlog-connector-java, the client Debezium's MySQL and
     * MariaDB connectors use), from the current end of the log: row events of {@code outbox_event} in
     * {@code db}'s schema.
     */
    private static final class Binlog implements ChangeLog {
        private final BinaryLogClient client;
        private final Map<Long, String> tables = new ConcurrentHashMap<>();
        private final List<String> inserted = new CopyOnWriteArrayList<>();
        private final List<String> deletedIds = new CopyOnWriteArrayList<>();

        Binlog(TestDatabase db) {
            client = new BinaryLogClient(db.host(), db.port(), db.user(), db.password());
            client.setServerId(1000 + ThreadLocalRandom.current().nextInt(100_000));
            client.setKeepAlive(false);
            String table = db.name() + ".outbox_event";
            client.registerEventListener(event -> {
                EventData data = event.getData();
                if (data instanceof TableMapEventData map) {
                    tables.put(map.getTableId(), map.getDatabase() + "." + map.getTable());
                } else if (data instanceof WriteRowsEventData rows && table.equals(tables.get(rows.getTableId()))) {
                    rows.getRows().forEach(row -> inserted.add(text(row[0])));
                } else if (data instanceof DeleteRowsEventData rows && table.equals(tables.get(rows.getTableId()))) {
                    rows.getRows().forEach(row -> deletedIds.add(text(row[0])));
                }
            });
            try {
                client.connect(TimeUnit.SECONDS.toMillis(10)); // returns once connected; reads on its own thread
            } catch (IOException | TimeoutException e) {
                throw new IllegalStateException("could not read the binlog of " + db + ": " + e, e);
            }
        }

        private static String text(Serializable value) {
            return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
        }

        @Override
        public List<String> insertedIds(int expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (inserted.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // and nothing more than expected arrives
            return new ArrayList<>(inserted);
        }

        @Override
        public boolean deleted(String id) {
            return deletedIds.contains(id);
        }

        @Override
        public void close() {
            try {
                client.disconnect();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

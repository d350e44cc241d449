package dev.postbox.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.xa.PGXADataSource;

/**
 * A real PostgreSQL server (the zonky embedded binaries, from Maven Central) configured the way Postbox needs it
 * in production: logical decoding on ({@code wal_level=logical}, {@code pgoutput}) and
 * {@code synchronous_commit=on}. Nothing is installed by hand and no Docker is involved.
 *
 * <p>zonky always starts {@code postgres} with {@code -F}, i.e. {@code fsync=off}: a commit still waits for its WAL
 * to be written to the operating system ({@code synchronous_commit=on}, which CDC latency depends on), only not
 * for the disk flush. That loses data only if the operating system crashes, never when the server or a test kills
 * a process ({@code kill -9}, {@link #restart()}), which is what the fault-injection scenarios do.
 *
 * <p>Use {@link #shared()} for one server per JVM and {@link #createDatabase(String)} for an isolated database per
 * test class. Use {@link #start(Path, int)} with a fixed data directory when a test must stop and restart the
 * server ({@link #restart()}).
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PostgresServer.class.getName());
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static PostgresServer shared;

    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final AtomicInteger databases = new AtomicInteger();
    private volatile EmbeddedPostgres postgres;
    private final int port;

    private PostgresServer(Path dataDirectory, boolean ownsDataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        this.postgres = launch(dataDirectory, port, ownsDataDirectory);
        this.port = postgres.getPort();
    }

    /** One server for the whole JVM, stopped by a shutdown hook. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = startTemporary();
            PostgresServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "postbox-testkit-postgres-stop"));
        }
        return shared;
    }

    /** A new server in a temporary data directory that is deleted on {@link #close()}. */
    public static PostgresServer startTemporary() {
        try {
            return new PostgresServer(Files.createTempDirectory("postbox-pg-"), true, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server on a data directory that survives {@link #close()} and {@link #restart()}.
     *
     * @param port a fixed port, or 0 for any free port (kept across restarts)
     */
    public static PostgresServer start(Path dataDirectory, int port) {
        return new PostgresServer(dataDirectory, false, port);
    }

    private static EmbeddedPostgres launch(Path dataDirectory, int port, boolean clean) {
        try {
            boolean exists = Files.exists(dataDirectory.resolve("PG_VERSION"));
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(clean && !exists)
                    .setRegisterShutdownHook(true)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    // zonky defaults to off; production runs on, and CDC latency depends on it
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("max_prepared_transactions", "50")
                    .setServerConfig("timezone", "UTC");
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres pg = builder.start();
            LOG.info(() -> "PostgreSQL started on localhost:" + pg.getPort() + " (data " + dataDirectory + ")");
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The maintenance database {@code postgres}. */
    public Database postgresDatabase() {
        return database("postgres");
    }

    /** A handle on an existing database of this server. */
    public Database database(String name) {
        return new Database(this, name);
    }

    /** Creates a new, empty database whose name starts with {@code prefix} (lower-case letters, digits, _). */
    public Database createDatabase(String prefix) {
        String name = (prefix.toLowerCase().replaceAll("[^a-z0-9_]", "_") + "_" + databases.incrementAndGet()
                + "_" + ProcessHandle.current().pid());
        try (Connection c = postgresDatabase().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return database(name);
    }

    /** Stops the server, keeping its data directory when it was given to {@link #start(Path, int)}. */
    public synchronized void stop() {
        EmbeddedPostgres pg = postgres;
        postgres = null;
        if (pg != null) {
            try {
                pg.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Starts the server again on the same data directory and port. */
    public synchronized void restart() {
        stop();
        postgres = launch(dataDirectory, port, false);
    }

    public boolean isRunning() {
        return postgres != null;
    }

    @Override
    public void close() {
        stop();
        if (ownsDataDirectory) {
            deleteQuietly(dataDirectory);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary directory; the OS cleans up eventually
        }
    }

    /** One database of a {@link PostgresServer}. */
    public static final class Database implements TestDatabase {
        private final PostgresServer server;
        private final String name;

        private Database(PostgresServer server, String name) {
            this.server = server;
            this.name = name;
        }

        @Override
        public String product() {
            return "postgresql";
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
            return "jdbc:postgresql://" + host() + ":" + port() + "/" + name;
        }

        @Override
        public PGSimpleDataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setServerNames(new String[] {host()});
            ds.setPortNumbers(new int[] {port()});
            ds.setDatabaseName(name);
            ds.setUser(USER);
            ds.setPassword(PASSWORD);
            return ds;
        }

        @Override
        public PGXADataSource xaDataSource() {
            PGXADataSource xa = new PGXADataSource();
            xa.setServerNames(new String[] {host()});
            xa.setPortNumbers(new int[] {port()});
            xa.setDatabaseName(name);
            xa.setUser(USER);
            xa.setPassword(PASSWORD);
            return xa;
        }

        @Override
        public String toString() {
            return jdbcUrl();
        }
    }
}

package dev.postbox.testkit.jta;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where {@link LocalJta} gets its physical connections: a few PostgreSQL connections kept open between
 * transactions, as an application server's pool keeps them. A new PostgreSQL connection costs a backend process
 * (fork) and its start-up; the inbox's suites open one per transaction, and on 2 loaded cores that made
 * {@code InboxEngineTest} take 77 to 130 s against 7 to 11 s for the same suite on MariaDB (whose connections are
 * threads). Kept open, the PostgreSQL suite took 18 s.
 *
 * <p>A connection comes back as clean as a new one, or not at all. On {@code close()} of a handle the connection is
 * rolled back, auto-commit is restored and {@code DISCARD ALL} resets the server session (settings, isolation and
 * read-only defaults, advisory locks, temporary tables, prepared statements, {@code LISTEN}; the driver drops its
 * statement cache when it sees it). A connection that fails any step, whose isolation, read-only flag, catalog,
 * schema, holdability, type map, client info or network timeout was changed through the handle, or that is still
 * inside a transaction block, is closed for real. Before an idle connection is handed out again it is validated
 * ({@link Connection#isValid(int)}): one whose backend was terminated ({@code pg_terminate_backend}) or whose server
 * restarted is closed and the next one taken, or a new one opened. Idle connections are closed after
 * {@value #IDLE_SECONDS} s; at most {@value #MAX_IDLE} per {@link LocalJta} and {@value #MAX_IDLE_TOTAL} in the JVM
 * are kept. Nothing waits for a connection: when none is idle a new one is opened, as before.
 *
 * <p>Only an unpooled {@link PGSimpleDataSource} is pooled; any other data source (MariaDB's, a caller's own pool)
 * is used as given, one {@code getConnection()} per transaction.
 */
final class PhysicalConnections {

    static final int MAX_IDLE = 8;
    static final int MAX_IDLE_TOTAL = 64;
    static final int IDLE_SECONDS = 5;
    /** Only decides whether an idle connection is reused: a slow answer means a new connection, never a failure. */
    private static final int VALIDATION_SECONDS = 10;

    private static final AtomicInteger IDLE_TOTAL = new AtomicInteger();
    /** Pools with idle connections, for the sweeper; a pool leaves the set when its last idle connection does. */
    private static final Set<PhysicalConnections> WITH_IDLE = ConcurrentHashMap.newKeySet();
    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postbox-testkit-idle-connections");
        t.setDaemon(true);
        return t;
    });

    static {
        SWEEPER.scheduleWithFixedDelay(PhysicalConnections::sweep, 1, 1, TimeUnit.SECONDS);
    }

    private final DataSource physical;
    private final boolean pooled;
    private final Deque<Idle> idle = new ArrayDeque<>(); // guarded by this

    private record Idle(Connection connection, long since) {
    }

    PhysicalConnections(DataSource physical) {
        this.physical = physical;
        this.pooled = physical instanceof PGSimpleDataSource;
    }

    /** A connection in auto-commit mode; closing it gives it back. */
    Connection getConnection() throws SQLException {
        if (!pooled) {
            return physical.getConnection();
        }
        while (true) {
            Idle reuse;
            synchronized (this) {
                reuse = idle.pollLast(); // the most recently used: warm, and the oldest ones age out
                if (reuse != null) {
                    IDLE_TOTAL.decrementAndGet();
                }
            }
            if (reuse == null) {
                return handle(physical.getConnection());
            }
            if (isValid(reuse.connection())) {
                return handle(reuse.connection());
            }
            closeQuietly(reuse.connection());
        }
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(VALIDATION_SECONDS);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private Connection handle(Connection target) {
        boolean[] closed = {false};
        boolean[] dirty = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    synchronized (closed) {
                        if (name.equals("close")) {
                            if (!closed[0]) {
                                closed[0] = true;
                                giveBack(target, dirty[0]);
                            }
                            return null;
                        }
                        if (name.equals("isClosed") && closed[0]) {
                            return true;
                        }
                        if (closed[0]) {
                            if (name.equals("isValid")) {
                                return false;
                            }
                            throw new SQLException("connection is closed (" + name + ")", "08003");
                        }
                    }
                    switch (name) {
                        case "setTransactionIsolation", "setReadOnly", "setCatalog", "setSchema", "setHoldability",
                                "setTypeMap", "setClientInfo", "setNetworkTimeout" -> dirty[0] = true;
                        case "unwrap" -> {
                            if (((Class<?>) args[0]).isInstance(proxy)) {
                                return proxy;
                            }
                        }
                        default -> {
                        }
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void giveBack(Connection c, boolean dirty) {
        if (dirty || !reset(c)) {
            closeQuietly(c);
            return;
        }
        synchronized (this) {
            if (idle.size() < MAX_IDLE && IDLE_TOTAL.incrementAndGet() <= MAX_IDLE_TOTAL) {
                idle.addLast(new Idle(c, System.nanoTime()));
                WITH_IDLE.add(this);
                return;
            }
            if (idle.size() < MAX_IDLE) {
                IDLE_TOTAL.decrementAndGet();
            }
        }
        closeQuietly(c);
    }

    /** Makes {@code c} as a new connection is; false if that did not work (the connection must be closed). */
    private static boolean reset(Connection c) {
        try {
            if (c.isClosed()) {
                return false;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            try (Statement s = c.createStatement()) {
                s.execute("DISCARD ALL"); // refused inside a transaction block: then the connection is not reused
            }
            c.clearWarnings();
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static void sweep() {
        long now = System.nanoTime();
        for (PhysicalConnections pool : WITH_IDLE) {
            Deque<Connection> expired = new ArrayDeque<>();
            synchronized (pool) {
                while (!pool.idle.isEmpty()
                        && now - pool.idle.peekFirst().since() > TimeUnit.SECONDS.toNanos(IDLE_SECONDS)) {
                    expired.add(pool.idle.pollFirst().connection());
                    IDLE_TOTAL.decrementAndGet();
                }
                if (pool.idle.isEmpty()) {
                    WITH_IDLE.remove(pool);
                }
            }
            expired.forEach(PhysicalConnections::closeQuietly);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // broken or already closed: nothing more to release
        }
    }
}

package dev.postbox.relay.internal;

import dev.postbox.common.internal.dialect.Dialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One active relay per replication slot (relay name): a session-level lock held on a dedicated connection
 * (PostgreSQL: an advisory lock; MariaDB: {@code GET_LOCK}). The lock goes away with the connection, so a crashed or
 * partitioned holder releases it without anyone's help (after TCP keep-alive or the server's own timeouts notice a
 * dead peer). The connection is opened here, never taken from a pool, and closed only to release the lock: a
 * session lock on a pooled connection would outlive its holder in the pool.
 */
final class LeaderLock implements AutoCloseable {

    private final Database db;
    private final Dialect dialect;
    private final String slotName;
    private Connection connection;

    LeaderLock(Database db, String slotName) {
        this.db = db;
        this.dialect = db.dialect();
        this.slotName = slotName;
    }

    /** True when this instance now holds the lock. */
    synchronized boolean tryAcquire() throws SQLException {
        if (connection != null) {
            return true;
        }
        Connection c = db.open();
        boolean acquired = false;
        try {
            acquired = dialect.relayTryLock(c, slotName);
        } finally {
            if (!acquired) {
                c.close();
            }
        }
        if (acquired) {
            connection = c;
        }
        return acquired;
    }

    /** True while the lock connection is alive (then the lock is still ours). */
    synchronized boolean isHeld() {
        try {
            return connection != null && connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Who holds the lock, for the standby log line; null when nobody (or unknown). */
    String holder() {
        try (Connection c = db.open()) {
            return dialect.relayLockHolder(c, slotName);
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Releases the lock by closing its connection. */
    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is what releases the lock; a dead connection has released it already
            }
            connection = null;
        }
    }
}

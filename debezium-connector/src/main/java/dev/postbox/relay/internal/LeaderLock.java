package dev.postbox.relay.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One active relay per replication slot: a session-level advisory lock held on a dedicated connection. The lock
 * goes away with the connection, so a crashed or partitioned holder releases it without anyone's help (after TCP
 * keep-alive or the server's own timeouts notice a dead peer).
 */
final class LeaderLock implements AutoCloseable {

    /** First half of the two-int advisory key: 'post' in ASCII, so Postbox locks are recognisable in pg_locks. */
    static final int CLASS_ID = 0x706f7374;

    private final Database db;
    private final int objectId;
    private Connection connection;

    LeaderLock(Database db, String slotName) {
        this.db = db;
        this.objectId = ("postbox-relay:" + slotName).hashCode(); // String.hashCode is specified: stable everywhere
    }

    /** True when this instance now holds the lock. */
    synchronized boolean tryAcquire() throws SQLException {
        if (connection != null) {
            return true;
        }
        Connection c = db.open();
        boolean acquired = false;
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, CLASS_ID);
            ps.setInt(2, objectId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                acquired = rs.getBoolean(1);
            }
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
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(
                "select a.pid, a.application_name, host(a.client_addr), a.backend_start from pg_locks l "
                        + "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
                        + "and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(CLASS_ID));
            ps.setLong(2, Integer.toUnsignedLong(objectId));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "backend pid " + rs.getInt(1) + " (" + rs.getString(2) + ", from "
                            + (rs.getString(3) == null ? "local socket" : rs.getString(3)) + ", connected since "
                            + rs.getTimestamp(4).toInstant() + ")";
                }
            }
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return null;
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

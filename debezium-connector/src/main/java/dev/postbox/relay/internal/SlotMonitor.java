package dev.postbox.relay.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the replication slot's lag: WAL the server keeps because the relay has not confirmed it. */
final class SlotMonitor {

    private final Database db;
    private final String slotName;

    SlotMonitor(Database db, String slotName) {
        this.db = db;
        this.slotName = slotName;
    }

    /** Bytes retained, or -1 when the slot does not exist (yet) or the database cannot be reached. */
    long lagBytes() {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(
                "select (pg_current_wal_lsn() - coalesce(confirmed_flush_lsn, restart_lsn))::bigint "
                        + "from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** The slot's confirmed position as text (e.g. {@code 0/1A2B3C}), or null. */
    String confirmedFlushLsn() {
        try (Connection c = db.open(); PreparedStatement ps = c.prepareStatement(
                "select confirmed_flush_lsn::text from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, slotName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }
}

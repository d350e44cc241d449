package dev.postbox.relay.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads the relay's lag: PostgreSQL, WAL the server keeps because the relay has not confirmed it; MariaDB, binlog
 * bytes written after the position in the relay's stored offset (the binlog is kept by age, not for the relay).
 */
final class SlotMonitor {

    private final Database db;
    private final String slotName;
    private final String offsetTable;

    SlotMonitor(Database db, String slotName, String offsetTable) {
        this.db = db;
        this.slotName = slotName;
        this.offsetTable = offsetTable;
    }

    /** Bytes retained, or -1 when the slot does not exist (yet) or the database cannot be reached. */
    long lagBytes() {
        try (Connection c = db.open()) {
            return db.dialect().relayLagBytes(c, slotName, offsetTable);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** The slot's confirmed position as text (e.g. {@code 0/1A2B3C}, or a binlog {@code file:position}), or null. */
    String confirmedFlushLsn() {
        try (Connection c = db.open()) {
            return db.dialect().relayConfirmedPosition(c, slotName, offsetTable);
        } catch (SQLException e) {
            return null;
        }
    }
}

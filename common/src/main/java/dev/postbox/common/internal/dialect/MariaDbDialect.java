package dev.postbox.common.internal.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * MariaDB 10.6+: ids as {@code CHAR(36)} text (what Debezium's EventRouter and every consumer read as the event
 * id, unchanged), payload and headers in {@code JSON} columns (MariaDB's {@code JSON} is {@code LONGTEXT} with a
 * {@code JSON_VALID} check, so malformed JSON is refused by the database as with PostgreSQL's {@code jsonb}),
 * timestamps as {@code DATETIME(6)} holding UTC ({@link #bindTimestamp}).
 */
final class MariaDbDialect extends Dialect {

    static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
    }

    @Override
    public String key() {
        return Dialects.MARIADB;
    }

    @Override
    public String displayName() {
        return "MariaDB";
    }

    @Override
    public String outboxInsert(String table) {
        return "INSERT INTO " + table
                + " (id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, tracingspancontext)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    }

    @Override
    public void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        statement.setString(index, id.toString());
    }

    /**
     * {@code DATETIME(6)} holds no zone: the instant is bound as its UTC wall-clock time, so the stored value does
     * not depend on the JVM's or the session's time zone (a {@code java.sql.Timestamp} would be sent in the JVM's).
     * Debezium's MySQL/MariaDB connectors read {@code DATETIME} as UTC epoch microseconds, which is what the
     * relay expects.
     */
    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException {
        statement.setObject(index, LocalDateTime.ofInstant(timestamp, ZoneOffset.UTC));
    }

    @Override
    public void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException {
        String in = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id IN (" + in
                + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                bindUuid(delete, i + 1, ids.get(i));
            }
            delete.executeUpdate();
        }
    }

    /**
     * MariaDB's driver leaves auto-commit on when an XA branch starts ({@code XA START}), although every statement
     * then belongs to the XA transaction; {@code @@in_transaction} tells. A connection outside any transaction
     * reads 0, so it is still refused.
     */
    @Override
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@in_transaction")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    @Override
    public String outboxMigration() {
        return "db/mariadb/postbox/V1_1__postbox_outbox.sql";
    }

    // ---- relay ----

    private static final java.util.regex.Pattern OFFSET_FILE = java.util.regex.Pattern.compile("\"file\"\\s*:\\s*\"([^\"]+)\"");
    private static final java.util.regex.Pattern OFFSET_POS = java.util.regex.Pattern.compile("\"pos\"\\s*:\\s*(\\d+)");

    /** GET_LOCK names are at most 64 characters; slot names up to 63. */
    private static String relayLockName(String relay) {
        String name = "postbox-relay:" + relay;
        return name.length() <= 64 ? name : name.substring(0, 55) + ":" + Integer.toHexString(name.hashCode());
    }

    @Override
    public String relayMigration() {
        return "db/mariadb/postbox/V1_3__postbox_relay.sql";
    }

    /**
     * The binlog must be on, in ROW format with FULL row images (what Debezium's binlog connectors read), and the
     * user needs REPLICATION SLAVE (read the binlog) and BINLOG MONITOR, alias REPLICATION CLIENT (positions,
     * {@code SHOW BINARY LOGS}). Grants received through a role are not resolved here: then the grant check is
     * left to the connector.
     */
    @Override
    public java.util.List<String> relayServerProblems(Connection connection) throws SQLException {
        java.util.List<String> problems = new java.util.ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                problems.add("the binary log is off (log_bin=OFF), and the relay reads outbox rows from it: start "
                        + "MariaDB with log_bin (e.g. log_bin=mariadb-bin in my.cnf, or --log-bin), binlog_format=ROW, "
                        + "binlog_row_image=FULL and a server_id, then restart it");
            } else {
                if (!"ROW".equalsIgnoreCase(rs.getString(2))) {
                    problems.add("binlog_format is " + rs.getString(2) + ", the relay needs ROW: set binlog_format=ROW "
                            + "in my.cnf and SET GLOBAL binlog_format='ROW' (sessions opened before keep their format)");
                }
                if (!"FULL".equalsIgnoreCase(rs.getString(3))) {
                    problems.add("binlog_row_image is " + rs.getString(3) + ", the relay needs FULL: set "
                            + "binlog_row_image=FULL in my.cnf and SET GLOBAL binlog_row_image='FULL'");
                }
            }
        }
        StringBuilder grants = new StringBuilder();
        boolean viaRole = false;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                String g = rs.getString(1).toUpperCase(java.util.Locale.ROOT);
                grants.append(g).append('\n');
                viaRole |= g.startsWith("GRANT `") || g.startsWith("GRANT '");
            }
        }
        String g = grants.toString();
        boolean all = g.contains("GRANT ALL PRIVILEGES ON *.*");
        if (!all && !viaRole) {
            if (!g.contains("REPLICATION SLAVE") && !g.contains("REPLICATION REPLICA")) {
                problems.add("the user lacks REPLICATION SLAVE, needed to read the binlog: GRANT REPLICATION SLAVE ON "
                        + "*.* TO <relay user>");
            }
            if (!g.contains("BINLOG MONITOR") && !g.contains("REPLICATION CLIENT") && !g.contains("SUPER")) {
                problems.add("the user lacks BINLOG MONITOR (alias REPLICATION CLIENT), needed to read binlog "
                        + "positions: GRANT BINLOG MONITOR ON *.* TO <relay user>");
            }
        }
        return problems;
    }

    @Override
    public boolean relayTableExists(Connection connection, String table) throws SQLException {
        int dot = table.indexOf('.');
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM information_schema.tables "
                + "WHERE table_schema = " + (dot < 0 ? "DATABASE()" : "?") + " AND table_name = ?")) {
            int i = 1;
            if (dot >= 0) {
                ps.setString(i++, table.substring(0, dot));
            }
            ps.setString(i, table.substring(dot + 1));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** A user-level lock of the connection's session ({@code GET_LOCK}): released when the connection closes. */
    @Override
    public boolean relayTryLock(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            ps.setString(1, relayLockName(relay));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    @Override
    public String relayLockHolder(Connection connection, String relay) throws SQLException {
        long id;
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, relayLockName(relay));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
                if (rs.wasNull()) {
                    return null;
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT user, host, time FROM information_schema.processlist WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "connection id " + id + " (" + rs.getString(1) + " from " + rs.getString(2)
                            + ", connected " + rs.getLong(3) + " s ago)";
                }
            }
        }
        return "connection id " + id; // the PROCESS privilege shows more
    }

    @Override
    public String relayParkedColumns() {
        return "seq, status, event_id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, "
                + "source_position, attempts, last_error, first_failed_at, parked_at, replay_requested_at";
    }

    /** A second insert of the same event leaves the row as it is ({@code INSERT IGNORE} would hide other errors). */
    @Override
    public String relayParkedInsert(String table) {
        return "INSERT INTO " + table
                + " (relay, status, event_id, aggregatetype, aggregateid, type, payload, `timestamp`, headers, "
                + "source_position, attempts, last_error, first_failed_at, parked_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE seq = seq";
    }

    @Override
    public String relayRequestReplay(String table) {
        return "UPDATE " + table
                + " SET replay_requested_at = UTC_TIMESTAMP(6) WHERE relay = ? AND event_id = ? AND status = 'PARKED'";
    }

    /** MariaDB has no data-modifying CTE: three statements in one transaction, the row locked first. */
    @Override
    public void relayDeleteReplayed(Connection connection, String table, long seq) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            String relay = null;
            String type = null;
            String id = null;
            String status = null;
            Object requested = null;
            try (PreparedStatement ps = connection.prepareStatement("SELECT relay, aggregatetype, aggregateid, status, "
                    + "replay_requested_at FROM " + table + " WHERE seq = ? FOR UPDATE")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        relay = rs.getString(1);
                        type = rs.getString(2);
                        id = rs.getString(3);
                        status = rs.getString(4);
                        requested = rs.getObject(5, LocalDateTime.class);
                    }
                }
            }
            if (relay != null) {
                try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE seq = ?")) {
                    ps.setLong(1, seq);
                    ps.executeUpdate();
                }
                if ("PARKED".equals(status)) {
                    try (PreparedStatement ps = connection.prepareStatement("UPDATE " + table + " SET status = 'PARKED', "
                            + "replay_requested_at = ? WHERE relay = ? AND aggregatetype = ? AND aggregateid = ? "
                            + "ORDER BY seq LIMIT 1")) {
                        ps.setObject(1, requested);
                        ps.setString(2, relay);
                        ps.setString(3, type);
                        ps.setString(4, id);
                        ps.executeUpdate();
                    }
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public String relayReplayFailed(String table) {
        return "UPDATE " + table
                + " SET status = 'PARKED', attempts = ?, last_error = ?, replay_requested_at = NULL, "
                + "first_failed_at = COALESCE(first_failed_at, UTC_TIMESTAMP(6)) WHERE seq = ?";
    }

    @Override
    public UUID readUuid(ResultSet rs, int column) throws SQLException {
        String id = rs.getString(column);
        return id == null ? null : UUID.fromString(id);
    }

    /** {@code DATETIME(6)} columns hold UTC ({@link #bindTimestamp}). */
    @Override
    public Instant readTimestamp(ResultSet rs, int column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public String relayOffsetTableDdl() {
        return "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT NULL, offset_key VARCHAR(1255), "
                + "offset_val VARCHAR(1255), record_insert_ts TIMESTAMP(6) NOT NULL, record_insert_seq INTEGER NOT NULL, "
                + "PRIMARY KEY (id))";
    }

    /** A prefix compare, not LIKE: slot names contain {@code _}, a LIKE wildcard. */
    @Override
    public String relayOffsetRowsOf(String relay) {
        String prefix = "[\"" + relay + "\",";
        return "LEFT(offset_key, " + prefix.length() + ") = '" + prefix + "'";
    }

    @Override
    public String relayHeartbeat(String table, String relay) {
        return "INSERT INTO " + table + " (relay, beat_at) VALUES ('" + relay + "', UTC_TIMESTAMP(6)) "
                + "ON DUPLICATE KEY UPDATE beat_at = VALUES(beat_at)";
    }

    /**
     * The binlog bytes after the position in the relay's stored offset: the sizes of the binlog files from the
     * offset's file on ({@code SHOW BINARY LOGS}, whose last size is the server's current position) minus the
     * offset's position in its file. Unlike a PostgreSQL slot, this position holds nothing back: MariaDB purges
     * binlogs by age ({@code binlog_expire_logs_seconds}) whether the relay read them or not.
     */
    @Override
    public long relayLagBytes(Connection connection, String relay, String offsetTable) throws SQLException {
        String[] position = storedPosition(connection, relay, offsetTable);
        if (position == null) {
            return -1;
        }
        long total = 0;
        boolean found = false;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                String file = rs.getString(1);
                if (file.compareTo(position[0]) >= 0) {
                    found |= file.equals(position[0]);
                    total += rs.getLong(2);
                }
            }
        }
        return found ? Math.max(0, total - Long.parseLong(position[1])) : -1;
    }

    @Override
    public String relayConfirmedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        String[] position = storedPosition(connection, relay, offsetTable);
        return position == null ? null : position[0] + ":" + position[1];
    }

    /** {file, pos} of the relay's stored offset, or null. */
    private String[] storedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT offset_val FROM "
                + offsetTable + " WHERE " + relayOffsetRowsOf(relay) + " ORDER BY record_insert_ts DESC, "
                + "record_insert_seq DESC LIMIT 1")) {
            if (!rs.next() || rs.getString(1) == null) {
                return null;
            }
            java.util.regex.Matcher file = OFFSET_FILE.matcher(rs.getString(1));
            java.util.regex.Matcher pos = OFFSET_POS.matcher(rs.getString(1));
            return file.find() && pos.find() ? new String[] {file.group(1), pos.group(1)} : null;
        }
    }

    // ---- end of relay ----
}

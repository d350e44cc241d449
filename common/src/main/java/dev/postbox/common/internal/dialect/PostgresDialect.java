package dev.postbox.common.internal.dialect;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** PostgreSQL 12+: {@code uuid} ids, {@code jsonb} payload and headers (cast from text on insert). */
final class PostgresDialect extends Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();
    private static final String NO_ACTIVE_SQL_TRANSACTION = "25P01";

    private PostgresDialect() {
    }

    @Override
    public String key() {
        return Dialects.POSTGRESQL;
    }

    @Override
    public String displayName() {
        return "PostgreSQL";
    }

    @Override
    public String outboxInsert(String table) {
        return "INSERT INTO " + table
                + " (id, aggregatetype, aggregateid, type, payload, \"timestamp\", headers, tracingspancontext)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)";
    }

    @Override
    public void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        statement.setObject(index, id);
    }

    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException {
        statement.setTimestamp(index, Timestamp.from(timestamp)); // timestamptz: the driver sends the offset
    }

    @Override
    public void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ANY (?)")) {
            Array array = connection.createArrayOf("uuid", ids.toArray(UUID[]::new));
            delete.setArray(1, array);
            delete.executeUpdate();
        }
    }

    /**
     * Open Liberty's connection handles report the auto-commit value the application asked for ({@code true} by
     * default) while Liberty runs the physical connection inside the global transaction ("the database ignores the
     * AutoCommit setting" there, from first use until the transaction ends). PostgreSQL tells: a {@code SAVEPOINT}
     * succeeds only inside a transaction block (SQLState 25P01 otherwise, with nothing changed), and is released at
     * once. Only asked when the handle says auto-commit, so other servers never pay for it.
     */
    @Override
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        try (Statement probe = connection.createStatement()) {
            probe.execute("SAVEPOINT postbox_enlistment_probe");
            probe.execute("RELEASE SAVEPOINT postbox_enlistment_probe");
            return true;
        } catch (SQLException e) {
            if (NO_ACTIVE_SQL_TRANSACTION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public String outboxMigration() {
        return "db/postbox/V1_1__postbox_outbox.sql";
    }

    // ---- relay ----

    /** First half of the relay's two-int advisory-lock key: 'post' in ASCII, recognisable in pg_locks. */
    private static final int RELAY_LOCK_CLASS_ID = 0x706f7374;

    private static int relayLockObjectId(String relay) {
        return ("postbox-relay:" + relay).hashCode(); // String.hashCode is specified: stable everywhere
    }

    @Override
    public String relayMigration() {
        return "db/postbox/V1_3__postbox_relay.sql";
    }

    @Override
    public java.util.List<String> relayServerProblems(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); java.sql.ResultSet rs = s.executeQuery("show wal_level")) {
            String walLevel = rs.next() ? rs.getString(1) : null;
            if (!"logical".equals(walLevel)) {
                return java.util.List.of("wal_level is '" + walLevel + "', the relay needs logical decoding: set "
                        + "wal_level=logical (postgresql.conf, or ALTER SYSTEM SET wal_level = logical) and restart "
                        + "PostgreSQL");
            }
        }
        return java.util.List.of();
    }

    @Override
    public boolean relayTableExists(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select to_regclass(?)")) {
            ps.setString(1, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) != null;
            }
        }
    }

    @Override
    public boolean relayTryLock(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, RELAY_LOCK_CLASS_ID);
            ps.setInt(2, relayLockObjectId(relay));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public String relayLockHolder(Connection connection, String relay) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select a.pid, a.application_name, host(a.client_addr), a.backend_start from pg_locks l "
                        + "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
                        + "and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 2")) {
            ps.setLong(1, Integer.toUnsignedLong(RELAY_LOCK_CLASS_ID));
            ps.setLong(2, Integer.toUnsignedLong(relayLockObjectId(relay)));
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return "backend pid " + rs.getInt(1) + " (" + rs.getString(2) + ", from "
                            + (rs.getString(3) == null ? "local socket" : rs.getString(3)) + ", connected since "
                            + rs.getTimestamp(4).toInstant() + ")";
                }
            }
        }
        return null;
    }

    @Override
    public String relayParkedColumns() {
        return "seq, status, event_id, aggregatetype, aggregateid, type, payload::text, \"timestamp\", headers::text, "
                + "source_position, attempts, last_error, first_failed_at, parked_at, replay_requested_at";
    }

    @Override
    public String relayParkedInsert(String table) {
        return "insert into " + table
                + " (relay, status, event_id, aggregatetype, aggregateid, type, payload, \"timestamp\", headers, "
                + "source_position, attempts, last_error, first_failed_at) "
                + "values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?) on conflict (relay, event_id) do nothing";
    }

    @Override
    public String relayRequestReplay(String table) {
        return "update " + table
                + " set replay_requested_at = now() where relay = ? and event_id = ? and status = 'PARKED'";
    }

    /** One statement: the UPDATE sees the table as it was before the DELETE (one snapshot), hence "n.seq <> gone.seq". */
    @Override
    public void relayDeleteReplayed(Connection connection, String table, long seq) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("with gone as (delete from " + table
                + " where seq = ? returning seq, relay, aggregatetype, aggregateid, status, replay_requested_at) "
                + "update " + table + " t set status = 'PARKED', replay_requested_at = gone.replay_requested_at "
                + "from gone where gone.status = 'PARKED' and t.seq = (select min(n.seq) from " + table + " n "
                + "where n.relay = gone.relay and n.aggregatetype = gone.aggregatetype "
                + "and n.aggregateid = gone.aggregateid and n.seq <> gone.seq)")) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        }
    }

    @Override
    public String relayReplayFailed(String table) {
        return "update " + table
                + " set status = 'PARKED', attempts = ?, last_error = ?, replay_requested_at = null, "
                + "first_failed_at = coalesce(first_failed_at, now()) where seq = ?";
    }

    @Override
    public UUID readUuid(java.sql.ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    @Override
    public Instant readTimestamp(java.sql.ResultSet rs, int column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    @Override
    public String relayOffsetTableDdl() {
        return "CREATE TABLE IF NOT EXISTS %s (id VARCHAR(36) NOT NULL, "
                + "offset_key VARCHAR(1255), offset_val VARCHAR(1255), record_insert_ts TIMESTAMP NOT NULL, "
                + "record_insert_seq INTEGER NOT NULL, PRIMARY KEY (id))";
    }

    @Override
    public String relayOffsetRowsOf(String relay) {
        return "starts_with(offset_key, '[\"" + relay + "\",')";
    }

    @Override
    public String relayHeartbeat(String table, String relay) {
        return "INSERT INTO " + table + " (relay, beat_at) VALUES ('" + relay + "', now()) "
                + "ON CONFLICT (relay) DO UPDATE SET beat_at = excluded.beat_at";
    }

    @Override
    public long relayLagBytes(Connection connection, String relay, String offsetTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select (pg_current_wal_lsn() - coalesce(confirmed_flush_lsn, restart_lsn))::bigint "
                        + "from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, relay);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : -1;
            }
        }
    }

    @Override
    public String relayConfirmedPosition(Connection connection, String relay, String offsetTable) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select confirmed_flush_lsn::text from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, relay);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ---- end of relay ----
}

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
}

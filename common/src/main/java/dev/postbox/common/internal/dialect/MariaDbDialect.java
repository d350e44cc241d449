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
}

package dev.postbox.outbox.internal;

import dev.postbox.common.SqlIdentifiers;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/**
 * Inserts outbox rows with plain JDBC on the connection it is given (the transaction's connection), as one
 * batch, and deletes them again when delete-after-insert is on.
 */
public final class OutboxWriter {

    private final String insertSql;
    private final String deleteSql;
    private final boolean deleteAfterInsert;

    /**
     * @param table validated again here: it is concatenated into SQL
     */
    public OutboxWriter(String table, boolean deleteAfterInsert) {
        SqlIdentifiers.requireQualified(OutboxSettings.TABLE.name(), table);
        this.insertSql = "INSERT INTO " + table
                + " (id, aggregatetype, aggregateid, type, payload, \"timestamp\", headers, tracingspancontext)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)";
        this.deleteSql = "DELETE FROM " + table + " WHERE id = ANY (?)";
        this.deleteAfterInsert = deleteAfterInsert;
    }

    public void write(Connection connection, List<PreparedEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (PreparedEvent e : events) {
                insert.setObject(1, e.id());
                insert.setString(2, e.aggregateType());
                insert.setString(3, e.aggregateId());
                insert.setString(4, e.type());
                insert.setString(5, e.payloadJson());
                insert.setTimestamp(6, Timestamp.from(e.timestamp()));
                insert.setString(7, e.headersJson());
                insert.setString(8, e.tracingSpanContext());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (deleteAfterInsert) {
            UUID[] ids = events.stream().map(PreparedEvent::id).toArray(UUID[]::new);
            try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
                Array array = connection.createArrayOf("uuid", ids);
                delete.setArray(1, array);
                delete.executeUpdate();
            }
        }
    }
}

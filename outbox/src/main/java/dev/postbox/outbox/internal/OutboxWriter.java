package dev.postbox.outbox.internal;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Inserts outbox rows with plain JDBC on the connection it is given (the transaction's connection), as one
 * batch, and deletes them again when delete-after-insert is on. The statements are the {@link Dialect}'s:
 * the one {@code postbox.dialect} forces, else the one of the first connection's database product (read from
 * its metadata once, on that connection, so no extra connection is taken).
 */
public final class OutboxWriter {

    private final String table;
    private final boolean deleteAfterInsert;
    private final String dataSourceName;
    private volatile Dialect dialect;
    private volatile String insertSql;

    /**
     * @param table validated again here: it is concatenated into SQL
     * @param forced the dialect {@code postbox.dialect} names, or empty to detect it
     * @param dataSourceName names the data source in an "unknown database product" message
     */
    public OutboxWriter(String table, boolean deleteAfterInsert, Optional<Dialect> forced, String dataSourceName) {
        SqlIdentifiers.requireQualified(OutboxSettings.TABLE.name(), table);
        this.table = table;
        this.deleteAfterInsert = deleteAfterInsert;
        this.dataSourceName = dataSourceName;
        forced.ifPresent(this::use);
    }

    private void use(Dialect d) {
        insertSql = d.outboxInsert(table);
        dialect = d;
    }

    /** The dialect in use, detecting it on {@code connection} the first time. */
    Dialect dialect(Connection connection) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            d = Dialects.detect(connection.getMetaData(), OutboxSettings.DATASOURCE.name() + "=" + dataSourceName);
            use(d);
        }
        return d;
    }

    /**
     * Whether {@code connection} belongs to a transaction (and a write through it commits or rolls back with it):
     * auto-commit off, or a database that says so despite auto-commit ({@link Dialect#inTransactionDespiteAutoCommit},
     * MariaDB's XA connections).
     */
    public boolean inTransaction(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            return true;
        }
        Dialect d = dialect;
        if (d == null) {
            try {
                d = dialect(connection);
            } catch (PostboxConfigurationException unknownProduct) {
                return false; // auto-commit means "not enlisted", as always; a write fails naming the product
            }
        }
        return d.inTransactionDespiteAutoCommit(connection);
    }

    public void write(Connection connection, List<PreparedEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        Dialect d = dialect(connection);
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (PreparedEvent e : events) {
                d.bindUuid(insert, 1, e.id());
                insert.setString(2, e.aggregateType());
                insert.setString(3, e.aggregateId());
                insert.setString(4, e.type());
                insert.setString(5, e.payloadJson());
                d.bindTimestamp(insert, 6, e.timestamp());
                insert.setString(7, e.headersJson());
                insert.setString(8, e.tracingSpanContext());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (deleteAfterInsert) {
            d.deleteOutboxRows(connection, table, events.stream().map(PreparedEvent::id).toList());
        }
    }
}

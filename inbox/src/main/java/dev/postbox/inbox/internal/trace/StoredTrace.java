package dev.postbox.inbox.internal.trace;

import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.store.TraceColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Reads the trace context a record was made with ({@code traceparent} column), for the link of a scheduled run's
 * span. Only asked when tracing is enabled; a failure to read costs the link, never the run.
 */
public final class StoredTrace {

    private static final Logger LOG = Logger.getLogger(StoredTrace.class.getName());

    private final DataSource dataSource;
    private final Transactions tx;
    private final String table;
    private final TraceColumn column;
    private final dev.postbox.inbox.internal.store.InboxDialect dialect;

    /** @param table an already validated table name */
    public StoredTrace(DataSource dataSource, Transactions tx, String table,
            dev.postbox.inbox.internal.store.InboxDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.tx = tx;
        this.table = table;
        this.column = new TraceColumn(table, dialect);
    }

    /** The record's stored {@code traceparent}, or null (none stored, column missing, or the read failed). */
    public String traceparent(UUID recordId) {
        try {
            return tx.requiresNew(() -> {
                try (Connection c = dataSource.getConnection()) {
                    if (!column.present(c)) {
                        return null;
                    }
                    var d = dialect.of(c);
                    try (PreparedStatement ps = c.prepareStatement(d.inboxTraceparent(table, TraceColumn.NAME))) {
                        d.bindUuid(ps, 1, recordId);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() ? rs.getString(1) : null;
                        }
                    }
                }
            });
        } catch (Exception e) {
            LOG.log(Level.FINE, "could not read the trace context of inbox record " + recordId
                    + "; its span is not linked", e);
            return null;
        }
    }
}

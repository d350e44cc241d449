package dev.postbox.inbox.internal.store;

import dev.postbox.common.internal.dialect.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Whether the inbox table has the {@code traceparent} column of the dialect's V1_6 script
 * ({@code db/postbox/V1_6__postbox_inbox_traceparent.sql} on PostgreSQL, {@code db/mariadb/postbox/V1_6...} on MariaDB).
 * Only asked when a record carries a trace context (OpenTelemetry present), once per table: an application that
 * added OpenTelemetry but not the migration keeps working, with one WARNING, and its retries are simply not linked.
 * Read through the JDBC metadata, never by a statement that could fail and abort the caller's transaction.
 */
public final class TraceColumn {

    private static final Logger LOG = Logger.getLogger(TraceColumn.class.getName());

    public static final String NAME = "traceparent";
    private static final String MIGRATION = "V1_6__postbox_inbox_traceparent.sql";

    private final String table;
    private final InboxDialect dialect;
    private volatile Boolean present;

    public TraceColumn(String table, InboxDialect dialect) {
        this.table = table;
        this.dialect = dialect;
    }

    /** The script of {@code dialect} that adds the column: the V1_6 one of its inbox migrations. */
    static String migration(Dialect dialect) {
        return dialect.inboxMigrations().stream().filter(script -> script.endsWith("/" + MIGRATION)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the " + dialect.displayName() + " dialect ships no "
                        + MIGRATION + " among its inbox migrations"));
    }

    public boolean present(Connection connection) throws SQLException {
        Boolean known = present;
        if (known != null) {
            return known;
        }
        DatabaseMetaData meta = connection.getMetaData();
        boolean found;
        int dot = table.indexOf('.'); // postbox.inbox.table may be schema.table
        String schema = dot < 0 ? null : table.substring(0, dot);
        try (ResultSet rs = meta.getColumns(null, schema, table.substring(dot + 1), NAME)) {
            found = rs.next();
        }
        if (!found) {
            String migration = migration(dialect.of(connection));
            LOG.warning(() -> "OpenTelemetry is present but the inbox table " + table + " has no " + NAME
                    + " column: apply " + migration + " (shipped in postbox-inbox). Until then, retries and replays "
                    + "are traced without a link to their first delivery's trace.");
        }
        present = found;
        return found;
    }
}

package dev.postbox.inbox.internal.store;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The SQL dialect of the inbox's data source, shared by its stores: the one {@code postbox.dialect} forces, else
 * the one of the first connection's metadata, checked once ({@link Dialect#inboxCheck}: version, tables).
 */
public final class InboxDialect {

    private final Optional<Dialect> forced;
    private final String table;
    private volatile Dialect dialect;

    /** @param table the inbox table, already validated */
    public InboxDialect(Optional<Dialect> forced, String table) {
        this.forced = forced;
        this.table = table;
    }

    /** Detects from the metadata (no {@code postbox.dialect}). */
    public static InboxDialect detect(String table) {
        return new InboxDialect(Optional.empty(), table);
    }

    public Dialect of(Connection connection) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            d = forced.isPresent() ? forced.get()
                    : Dialects.detect(connection.getMetaData(), "postbox.inbox.datasource");
            d.inboxCheck(connection, table);
            dialect = d;
        }
        return d;
    }
}

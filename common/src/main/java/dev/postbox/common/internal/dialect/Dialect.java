package dev.postbox.common.internal.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Every SQL statement Postbox runs on its own tables, for one database product (gruelbox transaction-outbox's
 * {@code Dialect} shape): one subclass per database, each spelling out only the statements and bindings that
 * differ. Chosen once from the data source's {@link java.sql.DatabaseMetaData} product name, or forced with
 * {@code postbox.dialect} ({@link Dialects}).
 *
 * <p>Table names handed to these methods are validated by the caller ({@code SqlIdentifiers}): they are
 * concatenated into SQL.
 *
 * <p>So far the outbox's statements live here; the relay's own tables (parked events, offsets, leader lock) and
 * the inbox follow.
 */
public abstract class Dialect {

    /** The value of {@code postbox.dialect} that selects this dialect, e.g. {@code postgresql}. */
    public abstract String key();

    /** The product as people name it, for messages. */
    public abstract String displayName();

    /**
     * The outbox insert, with eight parameters in this order: id (bind with {@link #bindUuid}), aggregatetype,
     * aggregateid, type, payload (JSON text or null), timestamp, headers (JSON text), tracingspancontext.
     */
    public abstract String outboxInsert(String table);

    /** Binds an outbox id in the column type this dialect's DDL gives it. */
    public abstract void bindUuid(PreparedStatement statement, int index, UUID id) throws SQLException;

    /** Binds an outbox timestamp in the column type this dialect's DDL gives it. */
    public abstract void bindTimestamp(PreparedStatement statement, int index, Instant timestamp) throws SQLException;

    /** Deletes the outbox rows with these ids on {@code connection} (delete-after-insert), in one round trip. */
    public abstract void deleteOutboxRows(Connection connection, String table, List<UUID> ids) throws SQLException;

    /**
     * Whether a connection that reports auto-commit is nonetheless inside a transaction that will commit or roll
     * back as a whole. False unless the database says so: MariaDB's XA connections report auto-commit on inside an
     * {@code XA START} branch ({@code @@in_transaction}); Open Liberty's connection handles report it inside a global
     * transaction (PostgreSQL: a {@code SAVEPOINT} probe).
     */
    public boolean inTransactionDespiteAutoCommit(Connection connection) throws SQLException {
        return false;
    }

    /** Class-path location of the shipped outbox DDL for this database. */
    public abstract String outboxMigration();

    @Override
    public String toString() {
        return key();
    }
}

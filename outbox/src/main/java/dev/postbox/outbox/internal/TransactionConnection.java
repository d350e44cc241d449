package dev.postbox.outbox.internal;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs JDBC work on a connection that belongs to the current transaction, such as the JPA provider's own
 * connection (Hibernate's {@code Session.doWork}).
 */
@FunctionalInterface
public interface TransactionConnection {

    /** JDBC work on a borrowed connection; it must not close or commit it. */
    @FunctionalInterface
    interface Work {
        void execute(Connection connection) throws SQLException;
    }

    void run(Work work) throws SQLException;
}

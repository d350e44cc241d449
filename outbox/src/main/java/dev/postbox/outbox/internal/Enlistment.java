package dev.postbox.outbox.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether a connection is part of the running transaction, so that outbox rows written through it commit or roll
 * back with the business change.
 *
 * <p>A connection that reports {@code autoCommit=false} is. One that reports {@code true} usually is not (Payara
 * hands out such a connection when asked during commit), but Open Liberty's connection handles report the value
 * the application asked for, {@code true} by default, while Liberty runs the physical connection inside the global
 * transaction ("the database ignores the AutoCommit setting" in a global transaction, from first use until the
 * transaction ends). So when the handle says auto-commit, the database is asked: on PostgreSQL a {@code SAVEPOINT}
 * succeeds only inside a transaction block (SQLState 25P01 otherwise), and is released at once. Other databases
 * are taken at the handle's word.
 */
final class Enlistment {

    private static final Logger LOG = Logger.getLogger(Enlistment.class.getName());
    private static final String NO_ACTIVE_SQL_TRANSACTION = "25P01";

    private Enlistment() {
    }

    static boolean inTransaction(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            return true;
        }
        if (!"PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
            return false;
        }
        try (Statement probe = connection.createStatement()) {
            probe.execute("SAVEPOINT postbox_enlistment_probe");
            probe.execute("RELEASE SAVEPOINT postbox_enlistment_probe");
        } catch (SQLException e) {
            if (NO_ACTIVE_SQL_TRANSACTION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("the connection handle (" + connection.getClass().getName() + ") reports auto-commit, but "
                    + "the database runs it inside a transaction block: taken as the transaction's connection");
        }
        return true;
    }
}

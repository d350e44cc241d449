package dev.postbox.outbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.PostgresServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the outbox tells the transaction's connection from one that would commit events on their own, on PostgreSQL
 * (MariaDB: the transaction suites run on MariaDB XA).
 */
class OutboxWriterEnlistmentTest {

    private static final OutboxWriter WRITER = new OutboxWriter("outbox_event", false, Optional.empty(), "test");
    private static PostgresServer.Database db;

    @BeforeAll
    static void database() {
        db = PostgresServer.shared().createDatabase("enlistment");
        db.execute("create table t (v int)");
    }

    @Test
    void aConnectionInATransactionIsTheTransactions() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            assertThat(WRITER.inTransaction(c)).isTrue();
            c.rollback();
        }
    }

    @Test
    void anAutoCommitConnectionIsNot() throws Exception {
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(WRITER.inTransaction(c)).isFalse();
            // and the probe left it usable, still in auto-commit
            try (Statement s = c.createStatement()) {
                s.execute("insert into t values (1)");
            }
            assertThat(c.getAutoCommit()).isTrue();
        }
        assertThat(count(1)).isEqualTo(1);
    }

    @Test
    void aHandleThatReportsAutoCommitInsideATransactionIsRecognizedAndItsWorkStillRollsBack() throws Exception {
        try (Connection physical = db.dataSource().getConnection()) {
            physical.setAutoCommit(false); // what Open Liberty does to the physical connection in a global transaction
            Connection handle = reportingAutoCommit(physical); // while its handle still says "true"
            assertThat(handle.getAutoCommit()).isTrue();

            assertThat(WRITER.inTransaction(handle)).isTrue();
            try (Statement s = handle.createStatement()) {
                s.execute("insert into t values (2)");
            }
            physical.rollback();
        }
        // the probe committed nothing and the write went into the transaction: rolled back with it
        assertThat(count(2)).isZero();
    }

    private static long count(int v) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from t where v = " + v)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection reportingAutoCommit(Connection physical) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getAutoCommit")) {
                        return true;
                    }
                    try {
                        return method.invoke(physical, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

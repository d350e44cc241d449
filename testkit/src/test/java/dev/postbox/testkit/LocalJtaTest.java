package dev.postbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.testkit.jta.LocalJta;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalJtaTest {

    private static PostgresServer.Database db;

    @BeforeAll
    static void database() {
        db = PostgresServer.shared().createDatabase("jta");
        db.execute("create table t (v text)");
    }

    @Test
    void connectionsInsideATransactionAreTheSameAndCommitTogether() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        jta.begin();
        try (Connection a = jta.dataSource().getConnection(); Connection b = jta.dataSource().getConnection()) {
            a.createStatement().execute("insert into t values ('a')");
            b.createStatement().execute("insert into t values ('b')");
            assertThat(a.unwrap(org.postgresql.PGConnection.class).getBackendPID())
                    .isEqualTo(b.unwrap(org.postgresql.PGConnection.class).getBackendPID());
        }
        jta.commit();
        assertThat(db.queryLong("select count(*) from t where v in ('a','b')")).isEqualTo(2);
    }

    @Test
    void rollbackDiscardsAndSynchronizationsRunInSpecOrder() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        List<String> calls = new ArrayList<>();
        jta.begin();
        jta.registerInterposedSynchronization(sync("interposed", calls));
        jta.getTransaction().registerSynchronization(sync("plain", calls));
        jta.dataSource().getConnection().createStatement().execute("insert into t values ('c')");
        jta.commit();
        assertThat(calls).containsExactly("plain.before", "interposed.before", "interposed.after3", "plain.after3");

        jta.begin();
        jta.dataSource().getConnection().createStatement().execute("insert into t values ('d')");
        jta.rollback();
        assertThat(db.queryLong("select count(*) from t where v = 'd'")).isZero();
        assertThat(jta.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
    }

    @Test
    void failingBeforeCompletionRollsBack() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        jta.begin();
        jta.dataSource().getConnection().createStatement().execute("insert into t values ('e')");
        jta.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                throw new IllegalStateException("boom");
            }

            @Override
            public void afterCompletion(int status) {
            }
        });
        assertThatThrownBy(jta::commit).isInstanceOf(RollbackException.class).hasMessageContaining("boom");
        assertThat(db.queryLong("select count(*) from t where v = 'e'")).isZero();
    }

    @Test
    void likePayaraAConnectionRequestedDuringInterposedCompletionIsNotTheTransactions() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        jta.begin();
        Connection held = jta.dataSource().getConnection();
        held.createStatement().execute("insert into t values ('f')");
        boolean[] autoCommit = new boolean[2];
        jta.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                try (Connection late = jta.dataSource().getConnection()) {
                    autoCommit[0] = late.getAutoCommit();
                    autoCommit[1] = held.getAutoCommit();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void afterCompletion(int status) {
            }
        });
        jta.commit();
        assertThat(autoCommit[0]).as("late connection auto-commit").isTrue();
        assertThat(autoCommit[1]).as("held connection auto-commit").isFalse();
    }

    @Test
    void aConnectionIsReusedOnlyAsCleanAsANewOne() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        int pid = jta.inTransaction(() -> {
            try (Connection c = jta.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("set statement_timeout = '1234s'");
                s.execute("select pg_advisory_lock(4711)");
                s.execute("create temporary table scratch (v int)");
                return backendPid(c);
            }
        });
        jta.inTransaction(() -> {
            try (Connection c = jta.dataSource().getConnection(); Statement s = c.createStatement()) {
                assertThat(backendPid(c)).as("the same backend, kept open").isEqualTo(pid);
                assertThat(c.getAutoCommit()).isFalse();
                assertThat(text(s, "show statement_timeout")).isEqualTo("0");
                assertThat(text(s, "select count(*) from pg_locks where locktype = 'advisory' and pid = "
                        + "pg_backend_pid()")).isEqualTo("0");
                assertThat(text(s, "select count(*) from pg_tables where tablename = 'scratch'")).isEqualTo("0");
            }
            return null;
        });
        try (Connection c = jta.dataSource().getConnection()) {
            assertThat(backendPid(c)).isEqualTo(pid);
            assertThat(c.getAutoCommit()).as("outside a transaction").isTrue();
            c.setAutoCommit(false);
            c.createStatement().execute("insert into t values ('never committed')");
        }
        try (Connection c = jta.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(text(s, "select count(*) from t where v = 'never committed'")).isEqualTo("0");
            s.execute("begin"); // a transaction block the driver does not know of: not reused
        }
        try (Connection c = jta.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(backendPid(c)).isNotEqualTo(pid);
            assertThat(text(s, "select txid_current()")).as("not inside a transaction")
                    .isNotEqualTo(text(s, "select txid_current()"));
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setReadOnly(true);
        }
        try (Connection c = jta.dataSource().getConnection()) {
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(c.isReadOnly()).isFalse();
        }
    }

    @Test
    void aClosedHandleCannotBeUsedAgain() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        Connection c = jta.dataSource().getConnection();
        c.close();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(() -> c.createStatement()).isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("closed");
    }

    /** A server restart breaks every connection the same way; fault-injection's PostgresRestartTest goes through it. */
    @Test
    void aTerminatedBackendIsNeverHandedOut() throws Exception {
        LocalJta jta = new LocalJta(db.dataSource());
        int pid = jta.inTransaction(() -> backendPid(jta.dataSource().getConnection()));
        db.execute("select pg_terminate_backend(" + pid + ")");
        jta.inTransaction(() -> {
            Connection c = jta.dataSource().getConnection();
            assertThat(backendPid(c)).isNotEqualTo(pid);
            c.createStatement().execute("insert into t values ('after terminate')");
            return null;
        });
        assertThat(db.queryLong("select count(*) from t where v = 'after terminate'")).isEqualTo(1);
    }

    private static int backendPid(Connection c) throws java.sql.SQLException {
        return c.unwrap(org.postgresql.PGConnection.class).getBackendPID();
    }

    private static String text(Statement s, String sql) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Synchronization sync(String name, List<String> calls) {
        return new Synchronization() {
            @Override
            public void beforeCompletion() {
                calls.add(name + ".before");
            }

            @Override
            public void afterCompletion(int status) {
                calls.add(name + ".after" + status);
            }
        };
    }
}

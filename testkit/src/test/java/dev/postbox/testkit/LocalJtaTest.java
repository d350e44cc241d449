package dev.postbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.testkit.jta.LocalJta;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import java.sql.Connection;
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

package dev.postbox.it.platform.app;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The outbox pattern as Postbox plans it: ids collected during the entity callback (which, for an update, fires
 * in Hibernate's flush at commit), rows inserted with plain JDBC in an interposed synchronization.
 *
 * <p>Mode words: {@code via-datasource} takes the connection from {@code DataSource.getConnection()} at commit;
 * otherwise it uses the Hibernate session's connection ({@code Session.doWork}). {@code sync-throws} fails before
 * inserting; {@code late-failure} lets a later synchronization fail after the insert.
 */
final class OutboxSync implements Synchronization {

    private final String mode;
    private final List<Long> accountIds = new ArrayList<>();

    private OutboxSync(String mode) {
        this.mode = mode;
    }

    /** Registers one synchronization per transaction, from wherever the change is seen (possibly at commit). */
    static void record(long accountId) {
        TransactionSynchronizationRegistry tsr = Jndi.lookup("java:comp/TransactionSynchronizationRegistry");
        OutboxSync sync = (OutboxSync) tsr.getResource(OutboxSync.class);
        if (sync == null) {
            sync = new OutboxSync(String.valueOf(tsr.getResource("mode")));
            try {
                tsr.registerInterposedSynchronization(sync);
            } catch (RuntimeException e) {
                Trace.add("outbox:register-failed " + e);
                throw e;
            }
            tsr.putResource(OutboxSync.class, sync);
            Trace.add("outbox:registered status=" + tsr.getTransactionStatus());
            if (sync.mode.contains("late-failure")) {
                tsr.registerInterposedSynchronization(new FailingSync());
            }
        }
        sync.accountIds.add(accountId);
    }

    @Override
    public void beforeCompletion() {
        Trace.add("outbox:beforeCompletion");
        if (mode.contains("sync-throws")) {
            throw new IllegalStateException("outbox insert failed (simulated)");
        }
        try {
            if (mode.contains("via-datasource")) {
                try (Connection c = Jndi.<DataSource>lookup("java:app/jdbc/postbox").getConnection()) {
                    insert(c);
                }
            } else {
                CDI.current().select(TxProbeService.class).get().session().doWork(this::insert);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox insert failed: " + e.getMessage(), e);
        }
    }

    private void insert(Connection c) throws SQLException {
        int pid = backendPid(c);
        Trace.add("outbox:pid=" + pid + " autocommit=" + c.getAutoCommit());
        try (PreparedStatement insert = c.prepareStatement(
                "insert into outbox_probe (account_id, backend_pid) values (?, ?)")) {
            for (long id : accountIds) {
                insert.setLong(1, id);
                insert.setInt(2, pid);
                insert.executeUpdate();
            }
        }
        Trace.add("outbox:inserted " + accountIds.size());
    }

    @Override
    public void afterCompletion(int status) {
        Trace.add("outbox:afterCompletion status=" + status);
    }

    static int backendPid(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select pg_backend_pid()"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Fails the commit after the outbox insert ran, as any later participant could. */
    private static final class FailingSync implements Synchronization {
        @Override
        public void beforeCompletion() {
            Trace.add("failing:beforeCompletion");
            throw new IllegalStateException("a later participant failed (simulated)");
        }

        @Override
        public void afterCompletion(int status) {
            // nothing to clean up
        }
    }
}

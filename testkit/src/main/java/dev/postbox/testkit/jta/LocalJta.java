package dev.postbox.testkit.jta;

import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A small JTA transaction manager for Java SE tests: one JDBC connection per transaction, shared by every
 * {@link #dataSource()} caller inside it, exactly like an application server shares a pooled connection within a
 * global transaction. It implements {@link TransactionManager}, {@link UserTransaction} and
 * {@link TransactionSynchronizationRegistry} with the ordering rules of the JTA specification:
 * non-interposed synchronizations run their {@code beforeCompletion} before interposed ones; an exception in
 * {@code beforeCompletion} rolls the transaction back.
 *
 * <p>Like Payara, {@link #dataSource()} does not hand out the transaction's connection once commit has reached the
 * interposed synchronizations: {@code getConnection()} there returns another connection, in auto-commit mode, which
 * is not part of the transaction. Code that must write atomically at commit has to hold on to a connection taken
 * earlier, or use the JPA provider's, exactly as on the server. The JPA provider itself gets
 * {@link #jpaDataSource()}, which (like the data source a server gives a persistence unit) keeps handing out the
 * transaction's connection until completion ends, so Hibernate's flush and {@code Session.doWork} at commit stay in
 * the transaction, as measured on Payara Micro.
 *
 * <p>It exists so that the production code paths that depend only on those JTA interfaces (and Hibernate in JTA
 * mode) can be tested against a real PostgreSQL without an application server. The same paths run on Payara
 * Micro in the {@code it-tests} module. It is not a product: no XA, no recovery, no timeouts.
 *
 * <p>Given PostgreSQL's unpooled {@code PGSimpleDataSource}, it keeps a few connections open between transactions
 * (a new backend per transaction cost more than the tests' work); each comes back as clean as a new connection and
 * a broken one is never handed out: see {@link PhysicalConnections}. Any other data source is used as given.
 */
public final class LocalJta implements TransactionManager, UserTransaction, TransactionSynchronizationRegistry {

    private final PhysicalConnections physical;
    private final ThreadLocal<LocalTransaction> current = new ThreadLocal<>();
    private final DataSource shared;
    private final DataSource forJpa;

    public LocalJta(DataSource physical) {
        this.physical = new PhysicalConnections(physical);
        this.shared = new SharedDataSource(false);
        this.forJpa = new SharedDataSource(true);
    }

    /**
     * The data source to hand to code under test: inside a transaction every {@code getConnection()} returns the
     * transaction's connection (closing it is a no-op); outside, an auto-commit connection of its own, as clean as a
     * new one (closing it gives it back).
     */
    public DataSource dataSource() {
        return shared;
    }

    /** The data source to give a JPA provider (its {@code jta-data-source}); see the class comment. */
    public DataSource jpaDataSource() {
        return forJpa;
    }

    // ---- TransactionManager / UserTransaction

    @Override
    public void begin() throws NotSupportedException {
        if (current.get() != null) {
            throw new NotSupportedException("nested transactions are not supported");
        }
        current.set(new LocalTransaction());
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, SystemException {
        LocalTransaction tx = requireCurrent();
        try {
            tx.commit();
        } finally {
            current.remove();
        }
    }

    @Override
    public void rollback() throws SystemException {
        LocalTransaction tx = requireCurrent();
        try {
            tx.rollback();
        } finally {
            current.remove();
        }
    }

    @Override
    public void setRollbackOnly() {
        LocalTransaction tx = current.get();
        if (tx == null) {
            throw new IllegalStateException("no transaction");
        }
        tx.setRollbackOnly();
    }

    @Override
    public int getStatus() {
        LocalTransaction tx = current.get();
        return tx == null ? Status.STATUS_NO_TRANSACTION : tx.getStatus();
    }

    @Override
    public Transaction getTransaction() {
        return current.get();
    }

    @Override
    public void resume(Transaction tobj) throws InvalidTransactionException {
        if (!(tobj instanceof LocalTransaction tx)) {
            throw new InvalidTransactionException("not a LocalJta transaction: " + tobj);
        }
        if (current.get() != null) {
            throw new IllegalStateException("a transaction is already associated with this thread");
        }
        current.set(tx);
    }

    @Override
    public Transaction suspend() {
        LocalTransaction tx = current.get();
        current.remove();
        return tx;
    }

    @Override
    public void setTransactionTimeout(int seconds) {
        // not supported, ignored like many managers do for 0
    }

    // ---- TransactionSynchronizationRegistry

    @Override
    public Object getTransactionKey() {
        return current.get();
    }

    @Override
    public void putResource(Object key, Object value) {
        requireActive().resources.put(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return requireActive().resources.get(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        LocalTransaction tx = requireActive();
        if (tx.completing && !tx.inBeforeCompletion) {
            throw new IllegalStateException("transaction is completing");
        }
        tx.interposed.add(sync);
    }

    @Override
    public int getTransactionStatus() {
        return getStatus();
    }

    @Override
    public boolean getRollbackOnly() {
        return requireActive().getStatus() == Status.STATUS_MARKED_ROLLBACK;
    }

    /** Runs {@code work} in a new transaction, committing on return and rolling back on exception. */
    public <T> T inTransaction(java.util.concurrent.Callable<T> work) throws Exception {
        begin();
        T result;
        try {
            result = work.call();
        } catch (Exception | Error e) {
            if (current.get() != null) {
                rollback();
            }
            throw e;
        }
        commit();
        return result;
    }

    private LocalTransaction requireCurrent() {
        LocalTransaction tx = current.get();
        if (tx == null) {
            throw new IllegalStateException("no transaction is associated with this thread");
        }
        return tx;
    }

    private LocalTransaction requireActive() {
        LocalTransaction tx = current.get();
        if (tx == null) {
            throw new IllegalStateException("no transaction is associated with this thread");
        }
        return tx;
    }

    /** One transaction: its connection, its synchronizations, its resources. */
    private final class LocalTransaction implements Transaction {
        private final List<Synchronization> synchronizations = new ArrayList<>();
        private final List<Synchronization> interposed = new ArrayList<>();
        private final Map<Object, Object> resources = new HashMap<>();
        private Connection connection;
        private int status = Status.STATUS_ACTIVE;
        private boolean completing;
        private boolean inBeforeCompletion;
        private boolean inInterposedPhase;

        Connection connection() throws SQLException {
            if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
                throw new SQLException("transaction is " + status + ", no new work allowed");
            }
            if (connection == null) {
                connection = physical.getConnection();
                connection.setAutoCommit(false);
            }
            return connection;
        }

        @Override
        public void commit() throws RollbackException, SystemException {
            completing = true;
            if (status == Status.STATUS_MARKED_ROLLBACK) {
                rollback();
                throw new RollbackException("transaction was marked for rollback");
            }
            try {
                beforeCompletion();
            } catch (RuntimeException e) {
                rollback();
                RollbackException rollback = new RollbackException("beforeCompletion failed: " + e);
                rollback.initCause(e);
                throw rollback;
            }
            if (status == Status.STATUS_MARKED_ROLLBACK) {
                rollback();
                throw new RollbackException("transaction was marked for rollback during beforeCompletion");
            }
            status = Status.STATUS_COMMITTING;
            try {
                if (connection != null) {
                    connection.commit();
                }
            } catch (SQLException e) {
                quietlyRollbackConnection();
                status = Status.STATUS_ROLLEDBACK;
                afterCompletion(Status.STATUS_ROLLEDBACK);
                RollbackException rollback = new RollbackException("commit failed: " + e.getMessage());
                rollback.initCause(e);
                throw rollback;
            }
            status = Status.STATUS_COMMITTED;
            afterCompletion(Status.STATUS_COMMITTED);
        }

        private void beforeCompletion() {
            inBeforeCompletion = true;
            try {
                // JTA 1.1+: interposed synchronizations run after the ordinary ones; the lists may grow meanwhile.
                for (int i = 0; i < synchronizations.size(); i++) {
                    synchronizations.get(i).beforeCompletion();
                }
                inInterposedPhase = true;
                for (int i = 0; i < interposed.size(); i++) {
                    interposed.get(i).beforeCompletion();
                }
            } finally {
                inBeforeCompletion = false;
                inInterposedPhase = false;
            }
        }

        @Override
        public void rollback() {
            completing = true;
            status = Status.STATUS_ROLLING_BACK;
            quietlyRollbackConnection();
            status = Status.STATUS_ROLLEDBACK;
            afterCompletion(Status.STATUS_ROLLEDBACK);
        }

        private void quietlyRollbackConnection() {
            if (connection != null) {
                try {
                    connection.rollback();
                } catch (SQLException e) {
                    Logger.getLogger(LocalJta.class.getName()).warning("rollback failed: " + e);
                }
            }
        }

        private void afterCompletion(int outcome) {
            try {
                for (Synchronization s : interposed) {
                    runQuietly(() -> s.afterCompletion(outcome));
                }
                for (Synchronization s : synchronizations) {
                    runQuietly(() -> s.afterCompletion(outcome));
                }
            } finally {
                if (connection != null) {
                    try {
                        connection.close();
                    } catch (SQLException ignored) {
                        // closing a connection we own; nothing to do
                    }
                    connection = null;
                }
            }
        }

        private void runQuietly(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                Logger.getLogger(LocalJta.class.getName()).warning("afterCompletion failed: " + e);
            }
        }

        @Override
        public boolean delistResource(javax.transaction.xa.XAResource xaRes, int flag) {
            throw new UnsupportedOperationException("XA is not supported by LocalJta");
        }

        @Override
        public boolean enlistResource(javax.transaction.xa.XAResource xaRes) {
            throw new UnsupportedOperationException("XA is not supported by LocalJta");
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void registerSynchronization(Synchronization sync) {
            if (status != Status.STATUS_ACTIVE && !inBeforeCompletion) {
                throw new IllegalStateException("transaction is not active: " + status);
            }
            synchronizations.add(sync);
        }

        @Override
        public void setRollbackOnly() {
            if (status == Status.STATUS_ACTIVE) {
                status = Status.STATUS_MARKED_ROLLBACK;
            }
        }
    }

    /** Hands out the current transaction's connection, or a plain one outside transactions. */
    private final class SharedDataSource implements DataSource {
        private final boolean sharedDuringCompletion;

        SharedDataSource(boolean sharedDuringCompletion) {
            this.sharedDuringCompletion = sharedDuringCompletion;
        }

        @Override
        public Connection getConnection() throws SQLException {
            LocalTransaction tx = current.get();
            if (tx == null || (tx.inInterposedPhase && !sharedDuringCompletion)) {
                return physical.getConnection(); // outside the transaction, as Payara does during commit
            }
            Connection target = tx.connection();
            return ManagedConnection.handle(target);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}

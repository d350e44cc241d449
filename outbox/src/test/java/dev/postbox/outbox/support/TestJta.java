package dev.postbox.outbox.support;

import dev.postbox.testkit.TestDatabase;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.InvalidTransactionException;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.concurrent.Callable;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The JTA an outbox test runs on, as an application server would provide it: a transaction manager, its
 * synchronization registry, a data source for application code and one for the JPA provider, and the Hibernate
 * JTA platform that finds the manager. Tests drive transactions through this object (it is the manager and the
 * registry, by delegation), so one test class runs unchanged on {@link #localJta LocalJta} and on
 * {@link NarayanaJta Narayana}.
 *
 * <p>Both data sources behave like a server's pool: inside a transaction they hand out the transaction's one
 * connection; once commit has reached the interposed synchronizations, {@link #dataSource()} hands out another
 * connection in auto-commit mode (as Payara does), while {@link #jpaDataSource()} keeps the transaction's.
 */
public abstract class TestJta implements TransactionManager, TransactionSynchronizationRegistry {

    /** A transaction manager with its data sources on a test database. */
    public static final Function<TestDatabase, TestJta> LOCAL_JTA = TestJta::localJta;
    public static final Function<TestDatabase, TestJta> NARAYANA = NarayanaJta::new;

    /** The test kit's small {@link dev.postbox.testkit.jta.LocalJta}. */
    public static TestJta localJta(TestDatabase db) {
        return new LocalJtaStack(db);
    }

    /** The transaction manager that really runs the transactions (for assertions on which one ran). */
    public abstract TransactionManager transactionManager();

    /** The registry the outbox is given, as an application server's JNDI name would give it. */
    public abstract TransactionSynchronizationRegistry registry();

    /** The data source for application code (and the outbox). */
    public abstract DataSource dataSource();

    /** The data source to give a JPA provider as its {@code jta-data-source}. */
    public abstract DataSource jpaDataSource();

    /** The value of {@code hibernate.transaction.jta.platform}: an instance or a class name. */
    public abstract Object hibernateJtaPlatform();

    /** Runs {@code work} in a new transaction, committing on return and rolling back on exception. */
    public <T> T inTransaction(Callable<T> work) throws Exception {
        begin();
        T result;
        try {
            result = work.call();
        } catch (Exception | Error e) {
            if (getStatus() != Status.STATUS_NO_TRANSACTION) {
                rollback();
            }
            throw e;
        }
        commit();
        return result;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }

    // ---- TransactionManager, delegated

    @Override
    public void begin() throws NotSupportedException, SystemException {
        transactionManager().begin();
    }

    @Override
    public void commit() throws RollbackException, HeuristicMixedException, HeuristicRollbackException,
            SystemException {
        transactionManager().commit();
    }

    @Override
    public void rollback() throws SystemException {
        transactionManager().rollback();
    }

    /** Both interfaces declare it; the registry's form throws no checked exception. */
    @Override
    public void setRollbackOnly() {
        registry().setRollbackOnly();
    }

    @Override
    public int getStatus() throws SystemException {
        return transactionManager().getStatus();
    }

    @Override
    public Transaction getTransaction() throws SystemException {
        return transactionManager().getTransaction();
    }

    @Override
    public void setTransactionTimeout(int seconds) throws SystemException {
        transactionManager().setTransactionTimeout(seconds);
    }

    @Override
    public Transaction suspend() throws SystemException {
        return transactionManager().suspend();
    }

    @Override
    public void resume(Transaction transaction) throws InvalidTransactionException, SystemException {
        transactionManager().resume(transaction);
    }

    // ---- TransactionSynchronizationRegistry, delegated

    @Override
    public Object getTransactionKey() {
        return registry().getTransactionKey();
    }

    @Override
    public void putResource(Object key, Object value) {
        registry().putResource(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return registry().getResource(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization sync) {
        registry().registerInterposedSynchronization(sync);
    }

    @Override
    public int getTransactionStatus() {
        return registry().getTransactionStatus();
    }

    @Override
    public boolean getRollbackOnly() {
        return registry().getRollbackOnly();
    }

    /** LocalJta is the manager, the registry and both data sources in one. */
    private static final class LocalJtaStack extends TestJta {
        private final dev.postbox.testkit.jta.LocalJta jta;

        LocalJtaStack(TestDatabase db) {
            this.jta = new dev.postbox.testkit.jta.LocalJta(db.dataSource());
        }

        @Override
        public TransactionManager transactionManager() {
            return jta;
        }

        @Override
        public TransactionSynchronizationRegistry registry() {
            return jta;
        }

        @Override
        public DataSource dataSource() {
            return jta.dataSource();
        }

        @Override
        public DataSource jpaDataSource() {
            return jta.jpaDataSource();
        }

        @Override
        public Object hibernateJtaPlatform() {
            return new dev.postbox.testkit.jta.LocalJtaPlatform(jta);
        }

        @Override
        public String toString() {
            return "LocalJta";
        }
    }
}

package dev.postbox.outbox.support;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import dev.postbox.testkit.TestDatabase;
import dev.postbox.testkit.jta.ManagedConnection;
import jakarta.transaction.NotSupportedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import javax.sql.XAConnection;
import javax.sql.XADataSource;

/**
 * Narayana, the transaction manager of WildFly and Quarkus, with data sources that do what a server's connection
 * pool does: the first connection a transaction asks for is a PostgreSQL XA connection enlisted with Narayana
 * ({@code Transaction.enlistResource}, so Narayana's commit and rollback end the database transaction), and every
 * later request in the same transaction gets that same connection. With one resource Narayana commits in one
 * phase, so PostgreSQL needs no {@code max_prepared_transactions}.
 *
 * <p>Like {@link dev.postbox.testkit.jta.LocalJta} (and Payara), {@link #dataSource()} hands out a separate
 * auto-commit connection once commit has reached the interposed synchronizations; {@link #jpaDataSource()} keeps
 * the transaction's. The phase is seen by an interposed synchronization registered when the transaction begins,
 * so it runs before every other interposed one.
 *
 * <p>Narayana is configured once per JVM: its object store under {@code target/}, no transaction status manager
 * (no recovery here, and no listening socket), a node identifier (it warns without one), and its log quiet below
 * WARNING.
 */
public final class NarayanaJta extends TestJta {

    /** JUL loggers hold their level only while referenced. */
    private static final Logger NARAYANA_LOG = Logger.getLogger("com.arjuna");

    static {
        NARAYANA_LOG.setLevel(Level.WARNING);
        String store = Path.of("target", "narayana-object-store").toAbsolutePath().toString();
        for (String name : new String[] {null, "communicationStore", "stateStore"}) {
            BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, name).setObjectStoreDir(store);
        }
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(store);
        arjPropertyManager.getCoordinatorEnvironmentBean().setTransactionStatusManagerEnable(false);
        try {
            arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("postbox-outbox-test");
        } catch (CoreEnvironmentBeanException e) {
            throw new IllegalStateException(e);
        }
    }

    private final TransactionManager transactionManager = com.arjuna.ats.jta.TransactionManager.transactionManager();
    private final TransactionSynchronizationRegistry registry =
            jtaPropertyManager.getJTAEnvironmentBean().getTransactionSynchronizationRegistry();
    private final XADataSource xa;
    private final DataSource plain;
    /** Identifies this instance's per-transaction state among the transaction's resources. */
    private final Object stateKey = new Object();
    private final DataSource shared = new SharedDataSource(false);
    private final DataSource forJpa = new SharedDataSource(true);

    NarayanaJta(TestDatabase db) {
        this.plain = db.dataSource();
        this.xa = db.xaDataSource();
    }

    @Override
    public TransactionManager transactionManager() {
        return transactionManager;
    }

    @Override
    public TransactionSynchronizationRegistry registry() {
        return registry;
    }

    @Override
    public DataSource dataSource() {
        return shared;
    }

    @Override
    public DataSource jpaDataSource() {
        return forJpa;
    }

    @Override
    public Object hibernateJtaPlatform() {
        // Hibernate's own platform for a stand-alone Narayana: it finds the manager through
        // com.arjuna.ats.jta.TransactionManager.transactionManager(), not through this class
        return "org.hibernate.engine.transaction.jta.platform.internal.JBossStandAloneJtaPlatform";
    }

    @Override
    public void begin() throws NotSupportedException, SystemException {
        super.begin();
        state();
    }

    @Override
    public String toString() {
        return "Narayana";
    }

    /** This transaction's connection and phase, created (with its phase marker) on first need. */
    private TransactionState state() {
        TransactionState state = (TransactionState) registry.getResource(stateKey);
        if (state == null) {
            state = new TransactionState();
            registry.putResource(stateKey, state);
            registry.registerInterposedSynchronization(state);
        }
        return state;
    }

    /** The transaction's XA connection; marks the start of the interposed phase; closes the connection at the end. */
    private final class TransactionState implements Synchronization {
        private XAConnection xaConnection;
        private Connection connection;
        private volatile boolean interposedPhase;

        Connection connection() throws SQLException {
            if (connection == null) {
                int status = registry.getTransactionStatus();
                if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
                    throw new SQLException("transaction is " + status + ", no new work allowed");
                }
                XAConnection opened = xa.getXAConnection();
                try {
                    Connection handle = opened.getConnection();
                    if (!transactionManager.getTransaction().enlistResource(opened.getXAResource())) {
                        throw new SQLException("Narayana did not enlist the connection");
                    }
                    xaConnection = opened;
                    connection = handle;
                } catch (SystemException | RollbackException | RuntimeException e) {
                    opened.close();
                    throw new SQLException("enlisting a connection with Narayana failed: " + e, e);
                } catch (SQLException e) {
                    opened.close();
                    throw e;
                }
            }
            return connection;
        }

        @Override
        public void beforeCompletion() {
            interposedPhase = true;
        }

        @Override
        public void afterCompletion(int status) {
            if (xaConnection != null) {
                try {
                    xaConnection.close();
                } catch (SQLException e) {
                    Logger.getLogger(NarayanaJta.class.getName()).warning("closing an XA connection failed: " + e);
                }
                xaConnection = null;
                connection = null;
            }
        }
    }

    /** Hands out the transaction's connection, or a plain one outside transactions (and, see above, at commit). */
    private final class SharedDataSource implements DataSource {
        private final boolean sharedDuringCompletion;

        SharedDataSource(boolean sharedDuringCompletion) {
            this.sharedDuringCompletion = sharedDuringCompletion;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (registry.getTransactionKey() == null) {
                return plain.getConnection();
            }
            TransactionState state = state();
            if (state.interposedPhase && !sharedDuringCompletion) {
                return plain.getConnection(); // outside the transaction, as Payara does during commit
            }
            Connection target = state.connection();
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

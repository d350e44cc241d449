package dev.postbox.outbox.internal.cdi;

import dev.postbox.common.JndiDataSource;
import dev.postbox.common.internal.config.MicroProfileConfigSource;
import dev.postbox.outbox.internal.OutboxSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * What the outbox needs from the application server: its configuration, the JTA synchronization registry and
 * the data source, found through MicroProfile Config and JNDI. Kept apart so that tests outside a server can
 * provide them differently (a CDI alternative).
 */
@ApplicationScoped
public class OutboxEnvironment {

    static final String REGISTRY_JNDI_NAME = "java:comp/TransactionSynchronizationRegistry";

    public OutboxSettings settings() {
        return OutboxSettings.from(MicroProfileConfigSource.current());
    }

    public TransactionSynchronizationRegistry transactionSynchronizationRegistry() {
        try {
            return (TransactionSynchronizationRegistry) new InitialContext().lookup(REGISTRY_JNDI_NAME);
        } catch (NamingException e) {
            throw new IllegalStateException("the outbox needs JTA: no TransactionSynchronizationRegistry under "
                    + REGISTRY_JNDI_NAME, e);
        }
    }

    /**
     * The data source under {@code jndiName}; looked up again on first use if the server binds it only after
     * the application started (Payara does so for data sources defined in the application, see
     * {@link JndiDataSource}).
     */
    public DataSource dataSource(String jndiName) {
        return JndiDataSource.resolve(OutboxSettings.DATASOURCE.name(), jndiName);
    }
}

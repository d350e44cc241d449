package dev.postbox.inbox.internal.cdi;

import dev.postbox.common.JndiDataSource;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Transactions;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/** The application server's data source (JNDI), transactions ({@code @Transactional}) and managed threads. */
final class ContainerEnvironment implements InboxEnvironment {

    static final String EXECUTOR_JNDI = "java:comp/DefaultManagedScheduledExecutorService";

    private final Transactions transactions;

    ContainerEnvironment(Transactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public DataSource dataSource(InboxConfig config) {
        // looked up again on first use when the server binds it only after start-up (Payara, for data sources
        // the application defines itself)
        return JndiDataSource.resolve(InboxConfig.DATASOURCE.name(), config.datasource());
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    @Override
    public ScheduledExecutorService scheduledExecutor() {
        try {
            return (ScheduledExecutorService) new InitialContext().lookup(EXECUTOR_JNDI);
        } catch (NamingException | ClassCastException e) {
            Logger.getLogger(ContainerEnvironment.class.getName()).warning(() -> "no " + EXECUTOR_JNDI + " ("
                    + e + "); the inbox scheduler uses a thread of its own");
            return null;
        }
    }
}

package dev.postbox.inbox.cdi;

import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxDatabase;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.inbox.internal.Transactions;
import dev.postbox.inbox.internal.cdi.InboxEnvironment;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/** Java SE stand-in for the application server: LocalJta over the test database. */
@ApplicationScoped
public class TestEnvironment implements InboxEnvironment {

    static volatile InboxDatabase database;

    @Override
    public DataSource dataSource(InboxConfig config) {
        return database.jta.dataSource();
    }

    @Override
    public Transactions transactions() {
        return new JtaTransactions(database.jta);
    }

    @Override
    public ScheduledExecutorService scheduledExecutor() {
        return null;
    }
}

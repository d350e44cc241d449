package dev.postbox.bench;

import dev.postbox.outbox.internal.cdi.OutboxEnvironment;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.transaction.TransactionSynchronizationRegistry;
import javax.sql.DataSource;

/**
 * What an application server would give the outbox's CDI bean (JNDI lookups), from the bench's LocalJta; the
 * configuration still comes from MicroProfile Config.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class BenchOutboxEnvironment extends OutboxEnvironment {

    static volatile dev.postbox.testkit.jta.LocalJta jta;

    @Override
    public TransactionSynchronizationRegistry transactionSynchronizationRegistry() {
        return jta;
    }

    @Override
    public DataSource dataSource(String jndiName) {
        return jta.dataSource();
    }
}

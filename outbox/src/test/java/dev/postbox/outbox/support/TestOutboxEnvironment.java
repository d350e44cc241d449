package dev.postbox.outbox.support;

import dev.postbox.outbox.internal.cdi.OutboxEnvironment;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.transaction.TransactionSynchronizationRegistry;
import javax.sql.DataSource;

/**
 * Replaces the JNDI lookups of {@link OutboxEnvironment} outside an application server: the JTA registry and
 * the shared data source come from the harness's {@link TestJta} (LocalJta or Narayana). Configuration is still
 * read from MicroProfile Config.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestOutboxEnvironment extends OutboxEnvironment {

    /** Set by {@link OutboxHarness} before the container starts; test code only. */
    static volatile TestJta jta;

    @Override
    public TransactionSynchronizationRegistry transactionSynchronizationRegistry() {
        return jta.registry();
    }

    @Override
    public DataSource dataSource(String jndiName) {
        if (!"java:app/jdbc/orders".equals(jndiName)) {
            return super.dataSource(jndiName); // lets tests see the real "not bound" error
        }
        return jta.dataSource();
    }
}

package dev.postbox.testkit.jta;

import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;
import org.hibernate.engine.transaction.jta.platform.internal.AbstractJtaPlatform;

/**
 * Lets Hibernate run in JTA mode on {@link LocalJta}. Pass an instance as
 * {@code hibernate.transaction.jta.platform} in the properties given to
 * {@code Persistence.createEntityManagerFactory}.
 */
public final class LocalJtaPlatform extends AbstractJtaPlatform {

    private final transient LocalJta jta;

    public LocalJtaPlatform(LocalJta jta) {
        this.jta = jta;
    }

    @Override
    protected TransactionManager locateTransactionManager() {
        return jta;
    }

    @Override
    protected UserTransaction locateUserTransaction() {
        return jta;
    }
}

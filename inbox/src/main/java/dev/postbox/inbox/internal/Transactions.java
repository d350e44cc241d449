package dev.postbox.inbox.internal;

import java.util.concurrent.Callable;

/**
 * Runs work in a new transaction, suspending the caller's. The inbox's JDBC work inside {@code work} uses the
 * data source's connection of that transaction (a JTA data source does that by itself).
 *
 * <p>Implemented in the container by a CDI bean with {@code @Transactional(REQUIRES_NEW)}, in Java SE by
 * {@link JtaTransactions} over any {@link jakarta.transaction.TransactionManager}.
 */
public interface Transactions {

    /**
     * Commits when {@code work} returns, rolls back when it throws (checked exceptions included) and rethrows.
     */
    <T> T requiresNew(Callable<T> work) throws Exception;
}

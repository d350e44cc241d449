package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.internal.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.concurrent.Callable;

/**
 * {@link Transactions} of the container: the platform's {@code @Transactional} interceptor suspends the caller's
 * transaction, begins a new one, and rolls it back on any exception (checked ones too, see rollbackOn).
 */
@ApplicationScoped
public class RequiresNewTransactions implements Transactions {

    @Override
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    public <T> T requiresNew(Callable<T> work) throws Exception {
        return work.call();
    }
}

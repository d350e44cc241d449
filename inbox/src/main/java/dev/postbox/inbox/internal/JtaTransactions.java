package dev.postbox.inbox.internal;

import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@link Transactions} over a {@link TransactionManager}: suspend, begin, commit or roll back, resume. */
public final class JtaTransactions implements Transactions {

    private final TransactionManager tm;

    public JtaTransactions(TransactionManager tm) {
        this.tm = Objects.requireNonNull(tm, "transaction manager");
    }

    @Override
    public <T> T requiresNew(Callable<T> work) throws Exception {
        Transaction suspended = tm.suspend();
        try {
            tm.begin();
            T result;
            try {
                result = work.call();
            } catch (Throwable failure) {
                rollbackQuietly(failure);
                throw failure;
            }
            tm.commit();
            return result;
        } finally {
            if (suspended != null) {
                tm.resume(suspended);
            }
        }
    }

    private void rollbackQuietly(Throwable failure) {
        try {
            if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tm.rollback();
            }
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }
}

package dev.postbox.inbox.internal;

import dev.postbox.common.Backoff;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Resolved retry and retention options of one scope.
 *
 * @param retryOn failures that are retried (subclasses included)
 * @param abortOn failures never retried; wins over {@code retryOn}
 */
public record Policy(int maxAttempts, Backoff backoff, Duration retention, Class<?>[] retryOn, Class<?>[] abortOn) {

    private static final Class<?>[] ALL_EXCEPTIONS = {Exception.class};

    public Policy {
        retryOn = retryOn == null || retryOn.length == 0 ? ALL_EXCEPTIONS : retryOn.clone();
        abortOn = abortOn == null ? new Class<?>[0] : abortOn.clone();
    }

    /** Whether a failure is worth another attempt. */
    public boolean isRetryable(Throwable failure) {
        for (Class<?> type : abortOn) {
            if (type.isInstance(failure)) {
                return false;
            }
        }
        for (Class<?> type : retryOn) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code abortOn} names the failure or one of its causes. Used for failures that are definite by
     * default (see {@code DefiniteFailure}), which usually arrive wrapped (a JDBC error inside a
     * {@code PersistenceException}): {@code abortOn = SQLException.class} then still makes the record DEAD.
     */
    public boolean abortsOnCauseOf(Throwable failure) {
        return anyCause(failure, abortOn, false);
    }

    /**
     * Whether {@code retryOn} names, explicitly, the failure or one of its causes: a type other than the default
     * {@code Exception} (or {@code Throwable}), e.g. {@code retryOn = SQLException.class}. This is how a method
     * says that a failure definite by default (a data error) is worth retrying for it.
     */
    public boolean retriesExplicitlyOn(Throwable failure) {
        return anyCause(failure, retryOn, true);
    }

    private static boolean anyCause(Throwable failure, Class<?>[] types, boolean explicitOnly) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        if (failure != null) {
            todo.add(failure);
        }
        while (!todo.isEmpty() && seen.size() < 32) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            for (Class<?> type : types) {
                if ((!explicitOnly || type != Exception.class && type != Throwable.class) && type.isInstance(t)) {
                    return true;
                }
            }
            if (t instanceof SQLException sql && sql.getNextException() != null) {
                todo.add(sql.getNextException());
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return false;
    }
}

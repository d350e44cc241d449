package dev.postbox.inbox.internal.breaker;

import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.ScopeUnavailableException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * What {@link ScopeGuard} decided for one attempt of a scope: run it (an ordinary call, or the one probe of a
 * HALF_OPEN scope), or not now. An admitted permit learns what the handler did ({@link #around}) and, when closed
 * after the attempt's transaction ended, counts it: a transient failure towards opening the scope, a success
 * resets the count or closes the scope after its probe. Close it exactly once it is not needed any more
 * (closing again does nothing).
 */
public final class Permit implements AutoCloseable {

    enum Kind { FREE, CALL, PROBE, REFUSED }

    enum Verdict { NONE, SUCCESS, FAILURE, NEUTRAL }

    /** A scope with no breaker and no rate limit: nothing to count, nothing to release. */
    public static final Permit FREE = new Permit(Kind.FREE, null, null, null, null, 0, null, null, null);

    private final Kind kind;
    private final ScopeGuard guard;
    private final ScopeLimits limits;
    private final RateLimiter limiter;
    private final RateLimiter.Slot slot;
    private final int failuresSeen;
    private final UUID probeToken;
    private final ScopeUnavailableException.Reason refusal;
    private final Instant retryAt;
    private volatile Verdict verdict = Verdict.NONE;
    private boolean closed;

    Permit(Kind kind, ScopeGuard guard, ScopeLimits limits, RateLimiter limiter, RateLimiter.Slot slot,
            int failuresSeen, UUID probeToken, ScopeUnavailableException.Reason refusal, Instant retryAt) {
        this.kind = kind;
        this.guard = guard;
        this.limits = limits;
        this.limiter = limiter;
        this.slot = slot;
        this.failuresSeen = failuresSeen;
        this.probeToken = probeToken;
        this.refusal = refusal;
        this.retryAt = retryAt;
    }

    /** Not admitted: the handler must not be called now. */
    public boolean refused() {
        return kind == Kind.REFUSED;
    }

    public boolean probe() {
        return kind == Kind.PROBE;
    }

    Kind kind() {
        return kind;
    }

    ScopeLimits limits() {
        return limits;
    }

    int failuresSeen() {
        return failuresSeen;
    }

    UUID probeToken() {
        return probeToken;
    }

    Verdict verdict() {
        return verdict;
    }

    /**
     * The handler call, watched: its start is stamped for the rate limit, its return is a success, its failure a
     * transient one when {@code transientFailure} says so (else it neither counts nor resets).
     */
    public Callable<Object> around(Callable<Object> handler, Predicate<Throwable> transientFailure) {
        if (kind == Kind.FREE) {
            return handler;
        }
        return () -> {
            if (slot != null) {
                limiter.start(slot);
            }
            try {
                Object value = handler.call();
                verdict = Verdict.SUCCESS;
                return value;
            } catch (Exception | Error e) {
                verdict = transientFailure.test(e) ? Verdict.FAILURE : Verdict.NEUTRAL;
                throw e;
            }
        };
    }

    /** Why the call was refused, as the exception a caller without deferred retries gets. */
    public ScopeUnavailableException unavailable(String scope, String key) {
        return new ScopeUnavailableException(scope, key, refusal, retryAt, ScopeGuard.refusalText(scope, refusal,
                limits, retryAt));
    }

    /** The answer to a delivery that was recorded (or already had a record) instead of running now. */
    public ProcessingDeferredException deferral(String scope, String key, int attempts) {
        return new ProcessingDeferredException(scope, key, attempts, retryAt, unavailable(scope, key));
    }

    /**
     * Counts the attempt (in a transaction of its own) and frees its slot. Call it after the attempt's
     * transaction ended, outside any transaction that touched the scope's breaker row.
     */
    @Override
    public void close() {
        if (!markClosed()) {
            return;
        }
        releaseSlot();
        if (kind == Kind.CALL || kind == Kind.PROBE) {
            guard.settle(this);
        }
    }

    /**
     * Gives the permit back inside the transaction that took it (the scheduler's claim found nothing to run): the
     * probe is released on that transaction, since a new one would wait for the row lock that this one holds.
     */
    public void cancelInTransaction() throws Exception {
        if (!markClosed()) {
            return;
        }
        releaseSlot();
        if (kind == Kind.PROBE) {
            guard.releaseProbeInTransaction(this);
        }
    }

    /** Frees the local slot only: the transaction that took the permit rolled back, and its writes with it. */
    public void discard() {
        if (markClosed()) {
            releaseSlot();
        }
    }

    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void releaseSlot() {
        if (slot != null) {
            limiter.release(slot);
        }
    }
}

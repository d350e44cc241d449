package dev.postbox.inbox.internal.breaker;

import dev.postbox.inbox.internal.store.InboxDialect;
import dev.postbox.inbox.InboxScopeStatus;
import dev.postbox.inbox.ScopeUnavailableException;
import dev.postbox.inbox.internal.Transactions;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Spares the API behind a scope's handler: a circuit breaker whose state every instance shares through the
 * breaker table, and a rate limit per instance. The engine asks it before every handler call ({@link #admit} for a
 * delivery, {@link #admitInTransaction} inside the scheduler's claim) and closes the {@link Permit} it got after the
 * attempt; a scope with neither configured gets {@link Permit#FREE} without a statement.
 *
 * <h2>The breaker</h2>
 * CLOSED: attempts run; each transient failure counts (definite failures, 4xx answers and failures the scope does
 * not retry neither count nor reset), a success resets the count. When the count reaches
 * {@code breaker.failure-threshold} the scope opens: OPEN until {@code breaker.cool-down} has passed, no attempts at
 * all (the scheduler leaves due retries where they are, deliveries are recorded and deferred). Then the first
 * attempt that comes (a due retry or a delivery, on any instance) takes the probe with a conditional UPDATE
 * (HALF_OPEN, a token, a lease as long as the record's): its success closes the scope and the backlog runs (within
 * the rate limit), its failure re-opens it for another cool-down; an attempt that tells nothing (a definite failure,
 * a duplicate) gives the probe back. A probe whose instance died is taken again when its lease ran out.
 */
public final class ScopeGuard {

    private static final Logger LOG = Logger.getLogger(ScopeGuard.class.getName());

    private final BreakerStore store;
    private final Transactions tx;
    private final Function<String, ScopeLimits> config;
    private final Duration probeLease;
    private final RateLimiter.NanoClock clock;
    private final Map<String, ScopeLimits> limits = new ConcurrentHashMap<>();
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> deferred = new ConcurrentHashMap<>();
    /** Scopes whose breaker row this instance created or saw. */
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    /**
     * @param table the breaker table (validated)
     * @param config the limits of a scope ({@code InboxConfig.scopeLimits}), read once per scope
     * @param probeLease how long a probe may run before another instance may probe ({@code postbox.inbox.lease})
     */
    public ScopeGuard(DataSource dataSource, String table, Transactions tx, Function<String, ScopeLimits> config,
            Duration probeLease, InboxDialect dialect) {
        this(dataSource, table, tx, config, probeLease, System::nanoTime, dialect);
    }

    ScopeGuard(DataSource dataSource, String table, Transactions tx, Function<String, ScopeLimits> config,
            Duration probeLease, RateLimiter.NanoClock clock, InboxDialect dialect) {
        this.store = new BreakerStore(dataSource, table, dialect);
        this.tx = tx;
        this.config = config;
        this.probeLease = probeLease;
        this.clock = clock;
    }

    public ScopeLimits limits(String scope) {
        return limits.computeIfAbsent(scope, config);
    }

    /** Admits a delivery's attempt, reading (and for a probe, writing) the breaker in a transaction of its own. */
    public Permit admit(String scope) throws Exception {
        ScopeLimits l = limits(scope);
        if (!l.any()) {
            return Permit.FREE;
        }
        if (!l.breakerOn()) {
            return decide(scope, l); // the rate limit alone: no statement
        }
        return tx.requiresNew(() -> decide(scope, l));
    }

    /**
     * Admits the scheduler's attempt inside its claim transaction, so a probe is taken together with the claim of
     * the record it runs (both commit, or neither). Give the permit back with {@link Permit#cancelInTransaction}
     * when nothing is claimed, or {@link Permit#discard} when the transaction fails.
     */
    public Permit admitInTransaction(String scope) throws Exception {
        ScopeLimits l = limits(scope);
        return l.any() ? decide(scope, l) : Permit.FREE;
    }

    /** Counts a delivery that was deferred without calling the handler. */
    public void deferred(String scope) {
        deferred.computeIfAbsent(scope, s -> new AtomicLong()).incrementAndGet();
    }

    private Permit decide(String scope, ScopeLimits l) throws SQLException {
        RateLimiter limiter = l.rateLimited() ? limiters.computeIfAbsent(scope,
                s -> new RateLimiter(l.maxConcurrent(), l.maxPerSecond(), clock)) : null;
        RateLimiter.Slot slot = null;
        if (limiter != null) {
            slot = limiter.tryReserve();
            if (slot == null) {
                return refused(l, ScopeUnavailableException.Reason.RATE_LIMITED, Instant.now().plusSeconds(1));
            }
        }
        if (!l.breakerOn()) {
            return new Permit(Permit.Kind.CALL, this, l, limiter, slot, 0, null, null, null);
        }
        boolean admitted = false;
        try {
            ensure(scope);
            BreakerStore.Row row = store.read(scope).orElse(BreakerStore.Row.NONE);
            if (row.closed()) {
                admitted = true;
                return new Permit(Permit.Kind.CALL, this, l, limiter, slot, row.consecutiveFailures(), null, null,
                        null);
            }
            if (!row.cooling() && !row.probing()) {
                UUID token = UUID.randomUUID();
                Optional<Integer> probe = store.takeProbe(scope, token, probeLease);
                if (probe.isPresent()) {
                    admitted = true;
                    int failures = probe.get();
                    LOG.info(() -> "inbox scope '" + scope + "' circuit HALF_OPEN: cool-down of " + l.coolDown()
                            + " over after " + failures + " consecutive failure(s); one probe attempt runs now");
                    return new Permit(Permit.Kind.PROBE, this, l, limiter, slot, failures, token, null, null);
                }
            }
            Duration wait = row.cooling() ? Duration.ofMillis(row.remainingMillis()) : l.coolDown();
            return refused(l, ScopeUnavailableException.Reason.CIRCUIT_OPEN, Instant.now().plus(wait));
        } finally {
            if (!admitted && slot != null) {
                limiter.release(slot);
            }
        }
    }

    private Permit refused(ScopeLimits l, ScopeUnavailableException.Reason reason, Instant retryAt) {
        return new Permit(Permit.Kind.REFUSED, this, l, null, null, 0, null, reason, retryAt);
    }

    private void ensure(String scope) throws SQLException {
        if (!ensured.contains(scope)) {
            store.ensure(scope);
            ensured.add(scope);
        }
    }

    /** Counts a closed permit's attempt; failures to write are logged, never thrown (the attempt is recorded). */
    void settle(Permit permit) {
        ScopeLimits l = permit.limits();
        if (!l.breakerOn()) {
            return;
        }
        String scope = l.scope();
        try {
            if (permit.kind() == Permit.Kind.PROBE) {
                settleProbe(permit, l, scope);
            } else if (permit.verdict() == Permit.Verdict.FAILURE) {
                BreakerStore.Counted counted = tx.requiresNew(() -> store.failed(scope, l.failureThreshold(),
                        l.coolDown()));
                if (counted.opened()) {
                    LOG.info(() -> "inbox scope '" + scope + "' circuit OPEN after " + counted.consecutiveFailures()
                            + " consecutive failure(s): no attempts for the cool-down of " + l.coolDown()
                            + ", due retries wait and new deliveries are deferred; then one probe");
                }
            } else if (permit.verdict() == Permit.Verdict.SUCCESS && permit.failuresSeen() > 0) {
                tx.requiresNew(() -> {
                    store.succeeded(scope);
                    return null;
                });
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not update the circuit breaker of inbox scope '" + scope + "' in "
                    + store.table() + " (is V1_5__postbox_inbox_breaker.sql applied?)", e);
        }
    }

    private void settleProbe(Permit permit, ScopeLimits l, String scope) throws Exception {
        UUID token = permit.probeToken();
        switch (permit.verdict()) {
            case SUCCESS -> {
                if (tx.requiresNew(() -> store.closeAfterProbe(scope, token))) {
                    LOG.info(() -> "inbox scope '" + scope + "' circuit CLOSED: the probe succeeded after "
                            + permit.failuresSeen() + " consecutive failure(s) (cool-down " + l.coolDown()
                            + "); due retries and deliveries run again" + rateText(l));
                }
            }
            case FAILURE -> {
                Optional<Integer> count = tx.requiresNew(() -> store.reopenAfterProbe(scope, token, l.coolDown()));
                count.ifPresent(n -> LOG.info(() -> "inbox scope '" + scope + "' circuit OPEN again: the probe "
                        + "failed (" + n + " consecutive failures); next probe after the cool-down of "
                        + l.coolDown()));
            }
            default -> tx.requiresNew(() -> {
                store.releaseProbe(scope, token);
                return null;
            });
        }
    }

    void releaseProbeInTransaction(Permit permit) throws SQLException {
        store.releaseProbe(permit.limits().scope(), permit.probeToken());
    }

    private static String rateText(ScopeLimits l) {
        if (!l.rateLimited()) {
            return "";
        }
        return " (at most " + (l.maxPerSecond() > 0 ? l.maxPerSecond() + " started per second" : "")
                + (l.maxPerSecond() > 0 && l.maxConcurrent() > 0 ? ", " : "")
                + (l.maxConcurrent() > 0 ? l.maxConcurrent() + " at once" : "") + " per instance)";
    }

    static String refusalText(String scope, ScopeUnavailableException.Reason reason, ScopeLimits l, Instant retryAt) {
        if (reason == ScopeUnavailableException.Reason.RATE_LIMITED) {
            return "inbox scope '" + scope + "' is at its rate limit on this instance (postbox.inbox.rate."
                    + "max-per-second=" + l.maxPerSecond() + ", max-concurrent=" + l.maxConcurrent()
                    + "; 0 = none): the handler was not called; retry after " + retryAt;
        }
        return "inbox scope '" + scope + "' has its circuit breaker open after " + l.failureThreshold()
                + " or more consecutive failures: the handler was not called, to spare the API behind it; "
                + "the next attempt is after " + retryAt;
    }

    /** The scope's breaker (from the table) and this instance's rate figures. */
    public InboxScopeStatus status(String scope) throws Exception {
        ScopeLimits l = limits(scope);
        RateLimiter limiter = limiters.get(scope);
        int running = limiter == null ? 0 : limiter.running();
        int lastSecond = limiter == null ? 0 : limiter.lastSecond();
        long deferredHere = Optional.ofNullable(deferred.get(scope)).map(AtomicLong::get).orElse(0L);
        if (!l.breakerOn()) {
            return new InboxScopeStatus(scope, InboxScopeStatus.Breaker.OFF, 0, 0, l.coolDown(), null, null, 0, 0,
                    false, l.maxConcurrent(), l.maxPerSecond(), running, lastSecond, deferredHere);
        }
        BreakerStore.Row row = tx.requiresNew(() -> store.read(scope)).orElse(BreakerStore.Row.NONE);
        InboxScopeStatus.Breaker state = InboxScopeStatus.Breaker.valueOf(row.state());
        return new InboxScopeStatus(scope, state, row.consecutiveFailures(), l.failureThreshold(), l.coolDown(),
                row.openedAt(), row.closed() ? null : row.openUntil(), row.opens(), row.probes(), row.probing(),
                l.maxConcurrent(), l.maxPerSecond(), running, lastSecond, deferredHere);
    }
}

package dev.postbox.inbox.internal.metrics;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What this instance's inbox did, per scope, since it started: counted by {@code Deliveries} (no CDI, no metrics
 * API). MicroProfile Metrics exposes them where the server has it ({@code InboxMetrics}); a scope's gauges are
 * registered when it is first counted, through {@link #onNewScope}.
 */
public final class InboxCounters {

    private static final Logger LOG = Logger.getLogger(InboxCounters.class.getName());

    /** What is counted. */
    public enum Count { FIRST_DELIVERY, DUPLICATE, IN_PROGRESS, FAILURE, SCHEDULED_RUN }

    /** The counters of one scope. */
    public static final class Scope {
        final LongAdder firstDeliveries = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder inProgress = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder scheduledRuns = new LongAdder();

        /** Counts one {@link Count}. */
        public void count(Count what) {
            switch (what) {
                case FIRST_DELIVERY -> firstDeliveries.increment();
                case DUPLICATE -> duplicates.increment();
                case IN_PROGRESS -> inProgress.increment();
                case FAILURE -> failures.increment();
                case SCHEDULED_RUN -> scheduledRuns.increment();
                default -> throw new IllegalArgumentException(String.valueOf(what));
            }
        }

        /** Deliveries whose handler ran as attempt 1 (whatever it returned or threw). */
        public long firstDeliveries() {
            return firstDeliveries.sum();
        }

        /** Deliveries answered with the stored result of an earlier run (the handler did not run). */
        public long duplicates() {
            return duplicates.sum();
        }

        /** Deliveries refused because the key was being processed (409, {@code DuplicateInProgressException}). */
        public long inProgress() {
            return inProgress.sum();
        }

        /** Handler attempts that failed (first deliveries, redeliveries and the scheduler's runs alike). */
        public long failures() {
            return failures.sum();
        }

        /** Records run by the scheduler (deferred retries, received and replayed records). */
        public long scheduledRuns() {
            return scheduledRuns.sum();
        }
    }

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** The counters of {@code scope}, created (and announced to {@link #onNewScope} listeners) on first use. */
    public Scope scope(String scope) {
        Scope counters = scopes.get(scope);
        if (counters != null) {
            return counters;
        }
        Scope fresh = new Scope();
        Scope prior = scopes.putIfAbsent(scope, fresh);
        if (prior != null) {
            return prior;
        }
        announce(scope);
        return fresh;
    }

    public Set<String> scopes() {
        return Set.copyOf(scopes.keySet());
    }

    /** Calls {@code listener} for every scope counted so far and for each new one; must not throw. */
    public void onNewScope(Consumer<String> listener) {
        listeners.add(listener);
        scopes.keySet().forEach(scope -> notify(listener, scope));
    }

    private void announce(String scope) {
        listeners.forEach(listener -> notify(listener, scope));
    }

    private static void notify(Consumer<String> listener, String scope) {
        try {
            listener.accept(scope);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "registering the metrics of inbox scope '" + scope + "' failed", e);
        }
    }
}

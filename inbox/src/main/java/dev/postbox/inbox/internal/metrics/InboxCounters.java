package dev.postbox.inbox.internal.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What this instance's inbox did, per scope, since it started: counted by {@code Deliveries} (no CDI, no metrics
 * API). MicroProfile Metrics exposes them where the server has it ({@code InboxMetrics}); a scope's gauges are
 * registered when it is first counted, through {@link #onNewScope}. The first {@link #MAX_SERIES_SCOPES} scopes
 * also count per minute for the last hour ({@link MinuteSeries}, the console's charts).
 */
public final class InboxCounters {

    private static final Logger LOG = Logger.getLogger(InboxCounters.class.getName());

    /**
     * Scopes counted per minute at most: scopes are few (one per consumer) in a sane application, but an application
     * that makes scope names from data must not make the series grow without bound (60 x 6 counters per scope).
     */
    public static final int MAX_SERIES_SCOPES = 200;

    /** What is counted. */
    public enum Count {
        FIRST_DELIVERY, DUPLICATE, IN_PROGRESS, FAILURE, SCHEDULED_RUN,
        /** A handler attempt after the first (the sender's redelivery or the scheduler's run). */
        RETRY
    }

    /** The counters of one scope. */
    public static final class Scope {
        final LongAdder firstDeliveries = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder inProgress = new LongAdder();
        final LongAdder failures = new LongAdder();
        final LongAdder scheduledRuns = new LongAdder();
        final LongAdder retries = new LongAdder();
        /** Per minute, or null beyond {@link #MAX_SERIES_SCOPES}. */
        final MinuteSeries series;

        Scope(MinuteSeries series) {
            this.series = series;
        }

        /** Counts one {@link Count}. */
        public void count(Count what) {
            switch (what) {
                case FIRST_DELIVERY -> firstDeliveries.increment();
                case DUPLICATE -> duplicates.increment();
                case IN_PROGRESS -> inProgress.increment();
                case FAILURE -> failures.increment();
                case SCHEDULED_RUN -> scheduledRuns.increment();
                case RETRY -> retries.increment();
                default -> throw new IllegalArgumentException(String.valueOf(what));
            }
            if (series != null) {
                series.count(what);
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

        /** Handler attempts after the first: the sender's redeliveries and the scheduler's runs of a record. */
        public long retries() {
            return retries.sum();
        }
    }

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier millis;
    private final AtomicInteger seriesScopes = new AtomicInteger();

    public InboxCounters() {
        this(System::currentTimeMillis);
    }

    /** @param millis the clock of the per-minute series (tests step it) */
    public InboxCounters(LongSupplier millis) {
        this.millis = millis;
    }

    /** The counters of {@code scope}, created (and announced to {@link #onNewScope} listeners) on first use. */
    public Scope scope(String scope) {
        Scope counters = scopes.get(scope);
        if (counters != null) {
            return counters;
        }
        boolean charted = seriesScopes.incrementAndGet() <= MAX_SERIES_SCOPES;
        Scope fresh = new Scope(charted ? new MinuteSeries(millis) : null);
        Scope prior = scopes.putIfAbsent(scope, fresh);
        if (prior != null) {
            seriesScopes.decrementAndGet(); // the fresh one is dropped
            return prior;
        }
        if (!charted) {
            seriesScopes.decrementAndGet(); // keep the count at the bound, not at the number of scopes
        }
        announce(scope);
        return fresh;
    }

    /** The last hour per minute of every scope counted per minute, by scope name. */
    public Map<String, MinuteSeries.Minute[]> lastHour() {
        Map<String, MinuteSeries.Minute[]> out = new LinkedHashMap<>();
        new TreeMap<>(scopes).forEach((name, scope) -> {
            if (scope.series != null) {
                out.put(name, scope.series.lastHour());
            }
        });
        return out;
    }

    /** Scopes counted but not per minute (beyond {@link #MAX_SERIES_SCOPES}). */
    public int scopesWithoutSeries() {
        int without = 0;
        for (Scope scope : scopes.values()) {
            if (scope.series == null) {
                without++;
            }
        }
        return without;
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

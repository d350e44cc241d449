package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.InboxScopeStatus;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.metrics.InboxBacklog;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Exposes the inbox's counts per scope through MicroProfile Metrics (application registry, gauges tagged
 * {@code scope}), as the relay's {@code RelayMetrics} does. Added as a bean by {@link InboxExtension} only when the
 * Metrics API is on the class path. A scope's gauges are registered when the application starts (every
 * {@code @Idempotent} method's scope) or when the scope is first registered or counted ({@code Inbox.register}).
 *
 * <p>The registry comes through an injected {@code Instance} (see {@code RelayMetrics}: Payara's producer reads the
 * injection point's annotations, and a programmatic lookup has none).
 */
@ApplicationScoped
public class InboxMetrics {

    /** The gauges of every scope: name, and what it reads. */
    static final String FIRST_DELIVERIES = "postbox.inbox.deliveries.first";
    static final String DUPLICATES = "postbox.inbox.duplicates";
    static final String IN_PROGRESS = "postbox.inbox.in.progress";
    static final String FAILURES = "postbox.inbox.failures";
    static final String SCHEDULED_RUNS = "postbox.inbox.scheduled.runs";
    static final String RETRIES_DUE = "postbox.inbox.retries.due";
    static final String RETRIES_OVERDUE = "postbox.inbox.retries.overdue";
    static final String DEAD = "postbox.inbox.records.dead";
    /** The scope's circuit breaker (shared by every instance): 0 closed or off, 1 open, 2 half-open (probing). */
    static final String BREAKER_STATE = "postbox.inbox.breaker.state";
    static final String BREAKER_OPENS = "postbox.inbox.breaker.opens";
    static final String BREAKER_PROBES = "postbox.inbox.breaker.probes";
    /** Deliveries this instance deferred without calling the handler (breaker open or rate limit). */
    static final String DEFERRED = "postbox.inbox.deferred";

    @Inject
    Instance<MetricRegistry> registries;

    @Inject
    InboxRuntimeBean inbox;

    @Inject
    InboxExtension extension;

    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (!registries.isResolvable()) {
            return;
        }
        MetricRegistry registry = registries.get();
        InboxRuntime runtime = inbox.runtime();
        extension.plans().values().forEach(plan -> runtime.counters().scope(plan.scope()));
        runtime.counters().onNewScope(scope -> {
            if (registered.add(scope)) {
                register(registry, runtime, scope);
            }
        });
    }

    private static void register(MetricRegistry registry, InboxRuntime runtime, String scope) {
        InboxCounters.Scope counted = runtime.counters().scope(scope);
        InboxBacklog backlog = runtime.backlog();
        Tag tag = new Tag("scope", scope);
        gauge(registry, FIRST_DELIVERIES, tag, counted, InboxCounters.Scope::firstDeliveries);
        gauge(registry, DUPLICATES, tag, counted, InboxCounters.Scope::duplicates);
        gauge(registry, IN_PROGRESS, tag, counted, InboxCounters.Scope::inProgress);
        gauge(registry, FAILURES, tag, counted, InboxCounters.Scope::failures);
        gauge(registry, SCHEDULED_RUNS, tag, counted, InboxCounters.Scope::scheduledRuns);
        gauge(registry, RETRIES_DUE, tag, backlog, b -> b.of(scope).due());
        gauge(registry, RETRIES_OVERDUE, tag, backlog, b -> b.of(scope).overdue());
        gauge(registry, DEAD, tag, backlog, b -> b.of(scope).dead());
        ScopeStatusCache status = new ScopeStatusCache(runtime, scope);
        gauge(registry, BREAKER_STATE, tag, status, c -> switch (c.get().breaker()) {
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            case OFF, CLOSED -> 0;
        });
        gauge(registry, BREAKER_OPENS, tag, status, c -> c.get().opens());
        gauge(registry, BREAKER_PROBES, tag, status, c -> c.get().probes());
        gauge(registry, DEFERRED, tag, status, c -> c.get().deferred());
    }

    /**
     * A scope's {@link InboxScopeStatus}, read at most once per {@link InboxBacklog#MAX_AGE} however many of its
     * gauges a scrape reads (the breaker's part is a database read).
     */
    private static final class ScopeStatusCache {
        private final InboxRuntime runtime;
        private final String scope;
        private InboxScopeStatus last;
        private long readAt;

        ScopeStatusCache(InboxRuntime runtime, String scope) {
            this.runtime = runtime;
            this.scope = scope;
        }

        synchronized InboxScopeStatus get() {
            long now = System.nanoTime();
            if (last == null || now - readAt > InboxBacklog.MAX_AGE.toNanos()) {
                last = runtime.history().scopeStatus(scope);
                readAt = now;
            }
            return last;
        }
    }

    private static <T> void gauge(MetricRegistry registry, String name, Tag tag, T source, ToLongFunction<T> read) {
        registry.gauge(name, source, s -> read.applyAsLong(s), tag);
    }
}

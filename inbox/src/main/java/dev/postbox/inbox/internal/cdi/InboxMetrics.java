package dev.postbox.inbox.internal.cdi;

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
    }

    private static <T> void gauge(MetricRegistry registry, String name, Tag tag, T source, ToLongFunction<T> read) {
        registry.gauge(name, source, s -> read.applyAsLong(s), tag);
    }
}

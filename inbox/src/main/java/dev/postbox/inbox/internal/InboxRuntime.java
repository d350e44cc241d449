package dev.postbox.inbox.internal;

import dev.postbox.inbox.internal.store.InboxDialect;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.internal.breaker.ScopeGuard;
import dev.postbox.inbox.internal.engine.CrashWatch;
import dev.postbox.inbox.internal.engine.HandlerRegistry;
import dev.postbox.inbox.internal.engine.InboxEngine;
import dev.postbox.inbox.internal.engine.RetryScheduler;
import dev.postbox.inbox.internal.metrics.InboxBacklog;
import dev.postbox.inbox.internal.metrics.InboxCounters;
import dev.postbox.inbox.internal.steps.StepRunner;
import dev.postbox.inbox.internal.trace.Deliveries;
import dev.postbox.inbox.internal.trace.InboxTracing;
import dev.postbox.inbox.internal.trace.StoredTrace;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import javax.sql.DataSource;

/**
 * The inbox wired together without CDI: engine, handler registry, scheduler, {@link Inbox} and
 * {@link InboxHistory}. The CDI layer builds one per application; tests build their own.
 */
public final class InboxRuntime implements AutoCloseable {

    private final InboxConfig config;
    private final Jsonb jsonb;
    private final StepRunner steps;
    private final InboxEngine engine;
    private final HandlerRegistry registry = new HandlerRegistry();
    private final RetryScheduler scheduler;
    private final DefaultInboxHistory history;
    private final DefaultInbox inbox;
    private final Deliveries deliveries;
    private final InboxBacklog backlog;
    private final ScheduledExecutorService executor;
    private final boolean ownsExecutor;
    private boolean started;

    private InboxRuntime(Builder b) {
        this.config = b.config;
        this.jsonb = b.jsonb != null ? b.jsonb : JsonbBuilder.create();
        DataSource dataSource = Objects.requireNonNull(b.dataSource, "dataSource");
        Transactions transactions = Objects.requireNonNull(b.transactions, "transactions");
        InboxDialect dialect = new InboxDialect(config.dialect(), config.table());
        this.steps = new StepRunner(dataSource, config.stepsTable(), config.table(), transactions, jsonb, dialect);
        ScopeGuard guard = new ScopeGuard(dataSource, config.breakerTable(), transactions, config::scopeLimits,
                config.lease(), dialect);
        this.engine = new InboxEngine(dataSource, config.table(), dialect, transactions, config.lease(), b.random,
                steps,
                new CrashWatch(config.markFirstDeliveryAfter(), config.claimFirstDeliveriesAfterStart(),
                        this::crashWatchTimer), guard);
        this.deliveries = new Deliveries(b.tracing != null ? b.tracing : InboxTracing.of(null), new InboxCounters(),
                new StoredTrace(dataSource, transactions, config.table(), dialect));
        this.backlog = new InboxBacklog(dataSource, transactions, config.table(), dialect);
        this.scheduler = new RetryScheduler(engine, registry, config, deliveries);
        this.history = new DefaultInboxHistory(engine, registry, config, steps, guard);
        this.inbox = new DefaultInbox(engine, registry, config, jsonb, history, b.clock, steps.steps(), deliveries);
        this.ownsExecutor = b.executor == null;
        this.executor = b.executor;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InboxConfig config() {
        return config;
    }

    public Jsonb jsonb() {
        return jsonb;
    }

    public InboxEngine engine() {
        return engine;
    }

    public HandlerRegistry registry() {
        return registry;
    }

    public RetryScheduler scheduler() {
        return scheduler;
    }

    public Inbox inbox() {
        return inbox;
    }

    public InboxHistory history() {
        return history;
    }

    /** Observes deliveries and scheduled runs: spans and counts. */
    public Deliveries deliveries() {
        return deliveries;
    }

    /** What this instance counted, per scope (metrics). */
    public InboxCounters counters() {
        return deliveries.counters();
    }

    /** What waits in the table, per scope (metrics). */
    public InboxBacklog backlog() {
        return backlog;
    }

    /** Starts the scheduler when {@code postbox.inbox.scheduler.enabled}. */
    public synchronized InboxRuntime start() {
        if (!started && config.schedulerEnabled()) {
            scheduler.start(executor != null ? executor : ownExecutor());
        }
        started = true;
        return this;
    }

    private ScheduledExecutorService ownExecutor;
    private ScheduledExecutorService ownTimer;

    /**
     * Where slow first deliveries' records are committed: the container's executor, else a thread of its own
     * (not the scheduler's, which runs retries and would delay a mark behind a handler).
     */
    private synchronized ScheduledExecutorService crashWatchTimer() {
        if (executor != null) {
            return executor;
        }
        if (ownTimer == null) {
            ownTimer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "postbox-inbox-crash-watch");
                t.setDaemon(true);
                return t;
            });
        }
        return ownTimer;
    }

    private ScheduledExecutorService ownExecutor() {
        AtomicInteger threads = new AtomicInteger();
        ownExecutor = Executors.newScheduledThreadPool(config.schedulerConcurrency(), r -> {
            Thread t = new Thread(r, "postbox-inbox-scheduler-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return ownExecutor;
    }

    @Override
    public synchronized void close() {
        scheduler.stop();
        if (ownTimer != null) {
            ownTimer.shutdownNow();
            ownTimer = null;
        }
        if (ownsExecutor && ownExecutor != null) {
            ownExecutor.shutdown();
            try {
                ownExecutor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started = false;
    }

    /** Wiring options; data source and transactions are required. */
    public static final class Builder {
        private DataSource dataSource;
        private Transactions transactions;
        private InboxConfig config = InboxConfig.defaults();
        private Jsonb jsonb;
        private ScheduledExecutorService executor;
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private InboxTracing tracing;

        /** A data source that hands out the current transaction's connection (a JTA data source). */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        public Builder transactions(Transactions transactions) {
            this.transactions = transactions;
            return this;
        }

        public Builder config(InboxConfig config) {
            this.config = config;
            return this;
        }

        public Builder jsonb(Jsonb jsonb) {
            this.jsonb = jsonb;
            return this;
        }

        /** Executor for the scheduler (a ManagedScheduledExecutorService in the container); default: own thread. */
        public Builder executor(ScheduledExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /**
         * Where the spans go; default {@code InboxTracing.of(null)}: GlobalOpenTelemetry when OpenTelemetry's API is
         * on the class path, else none.
         */
        public Builder tracing(InboxTracing tracing) {
            this.tracing = tracing;
            return this;
        }

        public InboxRuntime build() {
            return new InboxRuntime(this);
        }
    }
}

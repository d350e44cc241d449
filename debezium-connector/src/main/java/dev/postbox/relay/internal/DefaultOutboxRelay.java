package dev.postbox.relay.internal;

import static java.util.logging.Level.INFO;
import static java.util.logging.Level.SEVERE;
import static java.util.logging.Level.WARNING;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.Failures;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.ParkedEvents;
import dev.postbox.relay.RelaySample;
import dev.postbox.relay.RelaySink;
import dev.postbox.relay.RelayStatus;
import dev.postbox.relay.internal.sink.KafkaSink;
import dev.postbox.relay.internal.sink.TopicRouter;
import dev.postbox.relay.internal.sink.WebhookSink;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The relay's supervisor: takes the slot's advisory lock (or stands by), runs the Debezium engine with a
 * {@link DeliveryPipeline} while it holds it, steps down when the lock connection is lost, restarts after
 * failures, and carries out replay requests.
 */
public final class DefaultOutboxRelay implements OutboxRelay {

    private static final Logger LOG = Logger.getLogger(DefaultOutboxRelay.class.getName());

    private final RelayConfig config;
    private final RelayCounters counters = new RelayCounters();
    private final Database db;
    private final ParkedStore store;
    private final SlotMonitor slotMonitor;
    private final RelaySampler sampler;
    private final String instance;

    private ScheduledExecutorService supervisor;
    private ScheduledExecutorService sampling;
    private RelaySink sink;
    private volatile Active active;
    private volatile boolean stopping;
    private volatile RelayStatus.State state = RelayStatus.State.STOPPED;
    private volatile Instant since = Instant.now();
    private volatile String lastError;

    public DefaultOutboxRelay(RelayConfig config) {
        if (config.sink() instanceof RelayConfig.Cdi cdi && cdi.sink() == null) {
            throw new PostboxConfigurationException(RelayKeys.SINK.name(), "cdi",
                    "the CDI event sink exists only in a CDI application; in plain Java pass a sink to the builder");
        }
        this.config = config;
        this.instance = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        this.db = new Database(config, "postbox-relay " + config.slotName() + " " + instance);
        this.store = new ParkedStore(db, config.names().qualified(config.names().parkedTable()), config.slotName());
        this.slotMonitor = new SlotMonitor(db, config.slotName(), config.names().qualified(config.names().offsetTable()));
        this.sampler = new RelaySampler(config.intervals().sample(), counters::relayed, this::slotLagBytes,
                java.time.Clock.systemUTC());
    }

    /** What runs while this instance holds the lock. */
    private static final class Active {
        final LeaderLock lock;
        final DeliveryPipeline pipeline;
        final ExecutorService thread;
        final CountDownLatch finished = new CountDownLatch(1);
        volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
        volatile Throwable failure;
        volatile boolean ended;

        Active(LeaderLock lock, DeliveryPipeline pipeline, ExecutorService thread) {
            this.lock = lock;
            this.pipeline = pipeline;
            this.thread = thread;
        }
    }

    @Override
    public synchronized void start() {
        if (supervisor != null) {
            return;
        }
        stopping = false;
        sink = createSink(config.sink());
        LOG.log(INFO, "Starting outbox relay: slot " + config.slotName() + ", publication "
                + config.names().publicationName() + ", table " + config.names().qualifiedOutboxTable() + ", database "
                + config.connection() + ", sink " + sink.describe() + ", instance " + instance);
        supervisor = Executors.newSingleThreadScheduledExecutor(DeliveryPipeline.daemon("postbox-relay-" + config.slotName()));
        supervisor.scheduleWithFixedDelay(this::tick, 0, config.intervals().standbyRetry().toMillis(), TimeUnit.MILLISECONDS);
        // a thread of its own: a slow slot-lag query must not delay the supervisor's lock check
        sampling = Executors.newSingleThreadScheduledExecutor(DeliveryPipeline.daemon("postbox-relay-sampler-"
                + config.slotName()));
        long sampleMillis = config.intervals().sample().toMillis();
        sampling.scheduleAtFixedRate(sampler::sample, sampleMillis, sampleMillis, TimeUnit.MILLISECONDS);
    }

    /** The sink of each kind; a given sink object (custom, or the CDI layer's) is used as it is. */
    private static RelaySink createSink(RelayConfig.SinkConfig sink) {
        if (sink instanceof RelayConfig.Kafka k) {
            return new KafkaSink(k.bootstrapServers(), k.producerProperties(), new TopicRouter(k.topicPattern()));
        }
        if (sink instanceof RelayConfig.Webhook w) {
            return new WebhookSink(w.url(), w.secret(), w.timeout());
        }
        if (sink instanceof RelayConfig.Cdi c) {
            return c.sink();
        }
        return ((RelayConfig.Custom) sink).sink();
    }

    /** One supervision step; runs on the supervisor thread only. */
    private void tick() {
        if (stopping) {
            return;
        }
        try {
            Active a = active;
            if (a != null) {
                if (a.ended) {
                    Throwable f = a.failure;
                    lastError = f == null ? "engine stopped" : Failures.describe(f);
                    LOG.log(SEVERE, "Relay for slot " + config.slotName() + " failed: " + lastError + ". Releasing the "
                            + "lock; this or another instance retries in " + config.intervals().standbyRetry().toMillis() + " ms", f);
                    deactivate(a);
                    setState(RelayStatus.State.FAILED);
                    return;
                }
                if (!a.lock.isHeld()) {
                    lastError = "lost the advisory-lock connection";
                    LOG.log(SEVERE, "Relay for slot " + config.slotName() + " lost its advisory-lock connection: "
                            + "stepping down (stopping the engine) so that two relays never run; will try to take "
                            + "the lock again");
                    deactivate(a);
                    setState(RelayStatus.State.STANDBY);
                    return;
                }
                if (state == RelayStatus.State.ACTIVE) {
                    runReplays(a);
                }
                return;
            }
            LeaderLock lock = new LeaderLock(db, config.slotName());
            if (!lock.tryAcquire()) {
                if (state != RelayStatus.State.STANDBY) {
                    LOG.log(INFO, "Relay standing by: slot " + config.slotName() + " is relayed by " + lock.holder()
                            + "; trying to take over every " + config.intervals().standbyRetry().toMillis() + " ms");
                    setState(RelayStatus.State.STANDBY);
                }
                return;
            }
            activate(lock);
        } catch (Throwable t) {
            lastError = Failures.describe(t);
            LOG.log(SEVERE, "Relay for slot " + config.slotName() + " could not start: " + lastError + "; retrying in "
                    + config.intervals().standbyRetry().toMillis() + " ms", t);
            Active a = active;
            if (a != null) {
                deactivate(a);
            }
            setState(RelayStatus.State.FAILED);
        }
    }

    private void activate(LeaderLock lock) throws SQLException {
        boolean takeover = state == RelayStatus.State.STANDBY;
        setState(RelayStatus.State.STARTING);
        LOG.log(INFO, (takeover ? "Taking over: " : "") + "took the advisory lock for slot " + config.slotName()
                + "; starting the Debezium engine (publication " + config.names().publicationName() + ", snapshot.mode "
                + config.engine().snapshotMode() + ", confirmed position " + slotMonitor.confirmedFlushLsn() + ")");
        DeliveryPipeline pipeline;
        try {
            store.verifyTable();
            store.verifyServer();
            requireConnector();
            Set<AggregateKey> parked = store.parkedAggregates();
            if (!parked.isEmpty()) {
                LOG.log(WARNING, parked.size() + " aggregate(s) have parked events in " + config.names().parkedTable()
                        + "; their new events wait behind them until replayed: " + parked);
            }
            ChangeEventMapper mapper = new ChangeEventMapper(config.slotName(), config.names().outboxSchema(),
                    config.names().outboxTable());
            pipeline = new DeliveryPipeline(config, sink, mapper, store, counters, new java.util.HashSet<>(parked));
        } catch (SQLException | RuntimeException e) {
            lock.close();
            throw e;
        }
        Active a = new Active(lock, pipeline, Executors.newSingleThreadExecutor(
                DeliveryPipeline.daemon("postbox-relay-engine-" + config.slotName())));
        a.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumProperties.of(config))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        if (config.connection().isMariaDb()) {
                            // the binlog connector reads the schema first and fixes its start position there:
                            // ACTIVE once it streams, so that what is committed after ACTIVE is relayed
                            Thread t = new Thread(() -> {
                                StreamingProbe.awaitConnected(config.slotName(), () -> active != a || a.ended);
                                announceActive(a);
                            }, "postbox-relay-streaming-" + config.slotName());
                            t.setDaemon(true);
                            t.start();
                        } else {
                            announceActive(a);
                        }
                    }
                })
                .using((success, message, error) -> {
                    a.failure = error;
                    a.ended = true;
                    a.finished.countDown();
                    if (!stopping && active == a && supervisor != null) {
                        supervisor.execute(this::tick); // react now rather than at the next interval
                    }
                })
                .notifying(pipeline)
                .build();
        active = a;
        a.thread.execute(a.engine);
    }

    private void announceActive(Active a) {
        if (active == a && !a.ended) {
            setState(RelayStatus.State.ACTIVE);
            LOG.log(INFO, "Relay ACTIVE: streaming " + config.names().qualifiedOutboxTable() + " from slot "
                    + config.slotName() + " to " + sink.describe() + " (instance " + instance + ")");
        }
    }

    /** Fails clearly when the MariaDB connector, an optional dependency, is missing. */
    private void requireConnector() {
        if (config.connection().isMariaDb()) {
            try {
                Class.forName(DebeziumProperties.MARIADB_CONNECTOR, false, DefaultOutboxRelay.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("postbox.relay.jdbc-url is a MariaDB URL but Debezium's MariaDB "
                        + "connector is not on the class path: add io.debezium:debezium-connector-mariadb (the "
                        + "version of postbox-debezium's Debezium) and org.mariadb.jdbc:mariadb-java-client", e);
            }
        }
    }

    /** Stops the engine (flushing acknowledged offsets) and then releases the lock. */
    private void deactivate(Active a) {
        a.pipeline.close();
        closeEngine(a);
        a.lock.close();
        a.thread.shutdownNow();
        if (active == a) {
            active = null;
        }
    }

    private void closeEngine(Active a) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!a.ended && System.nanoTime() < deadline) {
            try {
                a.engine.close();
                break;
            } catch (IllegalStateException e) {
                if (String.valueOf(e.getMessage()).contains("already")) {
                    break;
                }
                sleep(100); // "cannot stop engine while tasks are starting": wait for them
            } catch (Exception e) {
                LOG.log(WARNING, "Debezium engine did not close cleanly: " + Failures.describe(e));
                break;
            }
        }
        try {
            if (!a.finished.await(60, TimeUnit.SECONDS)) {
                LOG.log(WARNING, "Debezium engine for slot " + config.slotName() + " did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands each requested replay to the pipeline, which sends the rows through the aggregate's lane. */
    private void runReplays(Active a) {
        try {
            long readAt = System.nanoTime();
            for (AggregateKey key : store.replayRequests()) {
                if (stopping || active != a) {
                    return;
                }
                a.pipeline.replay(key, readAt);
            }
        } catch (SQLException e) {
            LOG.log(WARNING, "Could not read replay requests from " + config.names().parkedTable() + ": " + e.getMessage());
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = supervisor;
            if (s == null) {
                return;
            }
            supervisor = null;
            stopping = true;
            if (sampling != null) {
                sampling.shutdownNow();
                sampling = null;
            }
        }
        Active a = active;
        if (a != null) {
            a.pipeline.close(); // no more sends, replays included
        }
        s.shutdown();
        try {
            s.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        a = active;
        if (a != null) {
            long inFlight = a.pipeline.unresolved();
            deactivate(a);
            LOG.log(INFO, "Relay for slot " + config.slotName() + " stopped; lock released"
                    + (inFlight > 0 ? "; " + inFlight + " unacknowledged events will be read again by the next relay" : ""));
        } else {
            LOG.log(INFO, "Relay for slot " + config.slotName() + " stopped");
        }
        if (sink != null) {
            sink.close(); // also a sink given to the builder: RelaySink.close() is "called once when the relay stops"
        }
        sink = null;
        setState(RelayStatus.State.STOPPED);
    }

    private void setState(RelayStatus.State next) {
        if (state != next) {
            state = next;
            since = Instant.now();
        }
    }

    @Override
    public RelayStatus status() {
        return new RelayStatus(state, since, config.slotName(), counters.outage, counters.inFlight(),
                counters.relayed(), counters.retries(), counters.parked(), counters.waiting(),
                lastError != null ? lastError : counters.lastError);
    }

    @Override
    public long slotLagBytes() {
        return slotMonitor.lagBytes();
    }

    @Override
    public List<RelaySample> history() {
        return sampler.samples();
    }

    public RelayCounters counters() {
        return counters;
    }

    public RelayConfig config() {
        return config;
    }

    @Override
    public ParkedEvents parkedEvents() {
        return new ParkedEvents() {
            @Override
            public List<ParkedEvent> list(int limit) {
                return sql(() -> store.list(limit));
            }

            @Override
            public List<ParkedEvent> forAggregate(String aggregateType, String aggregateId) {
                return sql(() -> store.forAggregate(aggregateType, aggregateId));
            }

            @Override
            public long count() {
                return sql(store::count);
            }

            @Override
            public boolean replay(UUID parkedEventId) {
                boolean requested = sql(() -> store.requestReplay(parkedEventId));
                ScheduledExecutorService s = supervisor;
                if (requested && s != null) {
                    LOG.log(INFO, "Replay of parked event " + parkedEventId + " requested");
                    s.execute(DefaultOutboxRelay.this::tick);
                }
                return requested;
            }
        };
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private <T> T sql(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new IllegalStateException("dead-letter table " + config.names().parkedTable() + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

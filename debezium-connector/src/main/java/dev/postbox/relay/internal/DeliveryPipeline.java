package dev.postbox.relay.internal;

import static java.util.logging.Level.FINE;
import static java.util.logging.Level.INFO;
import static java.util.logging.Level.SEVERE;
import static java.util.logging.Level.WARNING;

import dev.postbox.common.internal.Failures;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayEvent;
import dev.postbox.relay.RelaySink;
import dev.postbox.relay.RelaySinkException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Receives Debezium's batches, delivers each outbox event to the sink and tells Debezium which records are done.
 * It moves events between small parts: the {@link PositionWindow} (which positions may be marked), the {@link Lane}s
 * (one event in flight per aggregate), the {@link ParkingRule} (retry, park, or outage), the {@link SinkHealth}
 * (successes and failures across lanes) and the {@link ParkedStore} (dead letters).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A record is marked processed only when it and every record before it are <em>resolved</em>: acknowledged
 *       by the sink, written to the dead-letter table, or not an event (heartbeat, DELETE).</li>
 *   <li>Per aggregate ({@link AggregateKey}) one event is in flight at a time, in log order (a lane); lanes run
 *       concurrently.</li>
 *   <li>A failed send is retried, parked, or taken as a sign of an outage as the {@link ParkingRule} says. A parked
 *       event's lane, and every later event of the aggregate, is written behind it as WAITING until a replay.
 *       When nothing succeeds (sink outage) nothing is parked; the first success wakes every lane at once.</li>
 *   <li>A replay puts the aggregate's dead-letter rows at the front of its lane, where they take the same path as
 *       any event (same retries, same outage detection); events read from the log meanwhile queue behind them.
 *       Each acknowledged row is deleted; when the table has none left for the aggregate, it is un-parked. If a
 *       replayed row is parked again by the rule, the replay stops there and the aggregate stays parked.</li>
 *   <li>{@link #handleBatch} hands the batch's events to their lanes and returns at once, so the engine reads on
 *       while they are delivered (and other aggregates keep flowing while a poison event is retried); it blocks
 *       while more than {@code maxInFlight} records are held.</li>
 * </ul>
 */
final class DeliveryPipeline implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = Logger.getLogger(DeliveryPipeline.class.getName());

    private final RelayConfig config;
    private final RelaySink sink;
    private final ChangeEventMapper mapper;
    private final ParkedStore store;
    private final RelayCounters counters;
    private final ParkingRule rule;
    private final ExecutorService sender;
    /** Retries, and the dead-letter work of replays (kept off the sink's callback threads). */
    private final ScheduledExecutorService timer;

    // all guarded by this
    private final Set<AggregateKey> parked;
    private final PositionWindow window = new PositionWindow();
    private final Map<AggregateKey, Lane> lanes = new HashMap<>();
    private final SinkHealth health = new SinkHealth();
    private long unresolved;
    private boolean closed;

    DeliveryPipeline(RelayConfig config, RelaySink sink, ChangeEventMapper mapper, ParkedStore store,
            RelayCounters counters, Set<AggregateKey> parkedAggregates) {
        this.config = config;
        this.sink = sink;
        this.mapper = mapper;
        this.store = store.withKeptConnection(); // closed by close()
        this.counters = counters;
        this.rule = new ParkingRule(config.retries().maxAttempts(), config.retries().backoff());
        this.parked = parkedAggregates;
        this.sender = Executors.newSingleThreadExecutor(daemon("postbox-relay-send-" + config.slotName()));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("postbox-relay-retry-" + config.slotName()));
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        // map outside the lock: sink callbacks (the Kafka producer's I/O thread) need it meanwhile
        List<PendingEvent> entries = new ArrayList<>(records.size());
        for (RecordChangeEvent<SourceRecord> record : records) {
            entries.add(PendingEvent.fromLog(record, map(record.record())));
        }
        synchronized (this) {
            if (closed) {
                return; // stopping: mark nothing more, the next relay reads these again
            }
            window.committer(committer);
            window.markResolvedPrefix();
            for (PendingEvent entry : entries) {
                accept(entry);
            }
            while (!closed && !mayReturn()) {
                wait(1000);
                window.markResolvedPrefix();
            }
            if (closed) {
                return;
            }
            window.markResolvedPrefix();
            counters.inFlight = unresolved;
        }
        committer.markBatchFinished(); // may flush offsets: outside the lock, it does I/O
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return false;
    }

    private RelayEvent map(SourceRecord record) {
        try {
            return mapper.map(record);
        } catch (RuntimeException e) {
            LOG.log(SEVERE, "Skipping an outbox change at " + ChangeEventMapper.position(record)
                    + " that cannot be read as an event (the row breaks the outbox table layout): "
                    + Failures.describe(e), e);
            return null;
        }
    }

    private void accept(PendingEvent entry) {
        RelayEvent event = entry.event;
        window.add(entry);
        if (event == null) {
            entry.resolved = true;
            return;
        }
        unresolved++;
        AggregateKey key = AggregateKey.of(event);
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        entry.lane = lane;
        lane.queue.add(entry);
        if (parked.contains(key)) { // never while replaying: the replay took the aggregate out
            lane.parked = true;
            drainToWaiting(lane);
        } else if (lane.idle()) {
            dispatch(lane);
        }
    }

    /**
     * True when the engine thread may return and read more of the log: while fewer than {@code maxInFlight} records
     * are held. Sends go on meanwhile, so decoding the next batch overlaps with delivering this one (measured: about
     * twice the throughput of waiting for every batch to be acknowledged). Positions are still marked only over the
     * resolved prefix.
     */
    private boolean mayReturn() {
        return window.size() <= config.engine().maxInFlight();
    }

    private void dispatch(Lane lane) {
        PendingEvent head = lane.queue.peek();
        lane.inFlight = true;
        lane.retry = null;
        sender.execute(() -> send(head));
    }

    private void send(PendingEvent entry) {
        CompletionStage<Void> stage;
        try {
            stage = sink.send(entry.event);
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException("sink returned no CompletionStage"));
            }
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        if (entry.replayed()) {
            // deleting the row is database I/O: not on the sink's callback thread, not under the lock
            stage.whenCompleteAsync((ok, error) -> onReplayResult(entry, unwrap(error)), timer);
        } else {
            stage.whenComplete((ok, error) -> onResult(entry, unwrap(error)));
        }
    }

    private synchronized void onResult(PendingEvent entry, Throwable error) {
        Lane lane = entry.lane;
        if (closed || lane.queue.peek() != entry) {
            return; // cannot happen while the pipeline is open; never let a stray callback corrupt a lane
        }
        lane.inFlight = false;
        if (error == null) {
            onSuccess(lane, entry);
        } else {
            onFailure(lane, entry, error);
        }
        counters.inFlight = unresolved;
        notifyAll();
    }

    private void onSuccess(Lane lane, PendingEvent entry) {
        Duration outage = health.success();
        counters.relayed.incrementAndGet();
        if (entry.attempts > 0) {
            LOG.log(INFO, () -> "Delivered " + entry.event.describe() + " on attempt " + (entry.attempts + 1));
        }
        if (outage != null) {
            counters.outage = false;
            LOG.log(INFO, "Sink " + sink.describe() + " is available again after an outage of " + outage.toSeconds()
                    + " s; draining the backlog: " + unresolved + " events in memory, the rest from the "
                    + "replication slot");
            wakeAllRetries();
        }
        resolve(lane, entry);
        next(lane);
    }

    private void onFailure(Lane lane, PendingEvent entry, Throwable error) {
        entry.attempts++;
        entry.lastError = Failures.describe(error);
        counters.lastError = entry.lastError;
        if (entry.attempts == 1) {
            entry.successesAtFirstFailure = health.successes();
            entry.firstFailedAt = Instant.now();
        }
        health.failure();
        ParkingRule.Failure failure = new ParkingRule.Failure(entry.attempts,
                error instanceof RelaySinkException e && e.permanent(),
                health.successes() - entry.successesAtFirstFailure, health.failuresInARow());
        ParkingRule.Decision decision = rule.decide(failure, ThreadLocalRandom.current()::nextDouble);
        if (decision instanceof ParkingRule.Park park) {
            if (entry.replayed() ? parkAgain(lane, entry) : park(lane, entry, park.permanent())) {
                return;
            }
            decision = rule.retry(failure, ThreadLocalRandom.current()::nextDouble);
        }
        ParkingRule.Retry retry = (ParkingRule.Retry) decision;
        counters.retries.incrementAndGet();
        if (retry.sinkLooksDown() && health.outageBegins()) {
            counters.outage = true;
            LOG.log(WARNING, "Sink " + sink.describe() + " looks unavailable: " + health.failuresInARow()
                    + " delivery attempts failed in a row and none succeeded since. Nothing is parked during an "
                    + "outage; " + unresolved + " events wait in memory (up to " + config.engine().maxInFlight()
                    + "), the rest stays in replication slot " + config.slotName() + " (WAL is retained). "
                    + "Retrying with backoff up to " + config.retries().backoff().maxDelay().toSeconds() + " s. Last error: "
                    + entry.lastError);
        }
        Duration delay = retry.delay();
        Level level = entry.attempts == 1 && !health.outage() ? INFO : FINE;
        LOG.log(level, () -> "Delivery of " + (entry.replayed() ? "replayed " : "") + entry.event.describe()
                + " failed (attempt " + entry.attempts + "), retrying in " + delay.toMillis() + " ms: "
                + entry.lastError);
        lane.retry = timer.schedule(() -> retryNow(lane), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void retryNow(Lane lane) {
        if (closed || lanes.get(lane.key) != lane) {
            return;
        }
        lane.retry = null;
        if (lane.parked) {
            drainToWaiting(lane);
        } else if (lane.idle()) {
            dispatch(lane);
        }
    }

    /** After an outage: retry every lane now rather than at the end of its (possibly long) backoff. */
    private void wakeAllRetries() {
        for (Lane lane : lanes.values()) {
            if (lane.retry != null && !lane.parked && lane.retry.cancel(false)) {
                lane.retry = null;
                if (lane.idle()) {
                    dispatch(lane);
                }
            }
        }
    }

    /**
     * Parks the lane's head as poison, and the rest of the lane behind it. Returns false (the caller retries
     * later) when the dead-letter table cannot be written.
     */
    private boolean park(Lane lane, PendingEvent head, boolean permanent) {
        RelayEvent e = head.event;
        try {
            store.insert(e, ParkedEvent.Status.PARKED, head.attempts, head.lastError, head.firstFailedAt);
        } catch (SQLException ex) {
            LOG.log(WARNING, "Could not park " + e.describe() + " in " + config.names().parkedTable() + " (" + ex.getMessage()
                    + "); retrying its delivery meanwhile");
            return false;
        }
        parked.add(lane.key);
        lane.parked = true;
        counters.parked.incrementAndGet();
        LOG.log(WARNING, "Parked " + e.describe() + " at " + e.sourcePosition() + " after " + head.attempts
                + " attempt(s)" + (permanent ? " (permanent error)" : " while other events were delivered")
                + ": " + head.lastError + ". Later events of aggregate " + lane.key + " wait behind it in "
                + config.names().parkedTable() + " (status WAITING); replay with ParkedEvents.replay(" + e.id() + ")");
        resolve(lane, head);
        drainToWaiting(lane);
        return true;
    }

    /** Writes the lane's queued entries (of a parked aggregate) as WAITING, in order. */
    private void drainToWaiting(Lane lane) {
        while (!lane.queue.isEmpty()) {
            PendingEvent entry = lane.queue.peek();
            try {
                store.insert(entry.event, ParkedEvent.Status.WAITING, 0, null, null);
            } catch (SQLException ex) {
                LOG.log(WARNING, "Could not write " + entry.event.describe() + " as WAITING to " + config.names().parkedTable()
                        + " (" + ex.getMessage() + "); trying again shortly");
                if (lane.retry == null) {
                    lane.retry = timer.schedule(() -> retryNow(lane), config.retries().backoff().initialDelay().toMillis(),
                            TimeUnit.MILLISECONDS);
                }
                return;
            }
            counters.waiting.incrementAndGet();
            LOG.log(INFO, () -> "Holding " + entry.event.describe() + " behind the parked event of its aggregate");
            resolve(lane, entry);
        }
        lanes.remove(lane.key);
    }

    /** Takes the event off its lane; an event read from the log also frees its position. */
    private void resolve(Lane lane, PendingEvent entry) {
        if (lane.queue.peek() == entry) {
            lane.queue.poll();
        } else {
            lane.queue.remove(entry);
        }
        if (entry.replayed()) {
            return;
        }
        entry.resolved = true;
        unresolved--;
        if (!closed) {
            try {
                window.markResolvedPrefix();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: the prefix is marked by the next batch or relay
            }
        }
    }

    private void next(Lane lane) {
        if (lane.idle()) {
            dispatch(lane);
        } else if (lane.queue.isEmpty() && !lane.replaying) {
            lanes.remove(lane.key);
        }
    }

    // ---- replay: the aggregate's dead-letter rows go through its lane ----

    /**
     * Starts replaying the aggregate's dead-letter rows through its lane, unless a replay of it is under way.
     * Reads the rows on the calling thread (the supervisor's) and returns: the lane delivers them.
     *
     * @param requestsReadAt {@code System.nanoTime()} before the replay requests were read: a replay of the lane that
     *     stopped after that (its row parked again, its request cleared) makes this request stale, and it is dropped
     *     (seen on MariaDB, whose slower connections let a tick read a request just before the replay failed)
     */
    /**
     * When a replay of an aggregate last stopped early ({@code System.nanoTime()}); kept apart from its lane, which
     * may be dropped once idle. Guarded by this; one entry per aggregate whose replay failed, removed by its next one.
     */
    private final Map<AggregateKey, Long> replayStopped = new HashMap<>();

    void replay(AggregateKey key, long requestsReadAt) {
        synchronized (this) {
            if (closed) {
                return;
            }
            Lane lane = lanes.computeIfAbsent(key, Lane::new);
            if (lane.replaying || lane.inFlight) {
                return; // under way; or a live event in flight (the aggregate is not parked): asked again next tick
            }
            Long stoppedAt = replayStopped.get(key);
            if (stoppedAt != null && stoppedAt - requestsReadAt > 0) {
                return; // read before the last replay of this aggregate stopped: stale
            }
            replayStopped.remove(key);
            LOG.log(INFO, "Replaying parked aggregate " + key + " of relay " + config.slotName());
            if (lane.retry != null) {
                lane.retry.cancel(false); // a pending WAITING write: those events now queue behind the replay
                lane.retry = null;
            }
            lane.replaying = true;
            lane.loading = true;
            lane.replayedCount = 0;
            lane.parked = false;
            parked.remove(key);
        }
        readReplayRows(key);
    }

    /**
     * Reads the rows still in the dead-letter table for a replaying lane and puts them at the front of its queue
     * (they are older than any event read from the log meanwhile); none left: the aggregate is un-parked.
     */
    private void readReplayRows(AggregateKey key) {
        List<ParkedEvent> rows;
        try {
            rows = store.forAggregate(key.type(), key.id());
        } catch (SQLException e) {
            synchronized (this) {
                Lane lane = lanes.get(key);
                if (!closed && lane != null && lane.replaying) {
                    stopReplay(lane, "could not read " + config.names().parkedTable() + " (" + e.getMessage()
                            + "); the replay is tried again shortly");
                }
            }
            return;
        }
        synchronized (this) {
            Lane lane = lanes.get(key);
            if (closed || lane == null || !lane.replaying) {
                return;
            }
            lane.loading = false;
            if (rows.isEmpty()) {
                lane.replaying = false;
                LOG.log(INFO, "Aggregate " + key + " replayed (" + lane.replayedCount + " events) and un-parked; its "
                        + "new events are delivered directly again");
                next(lane);
                return;
            }
            for (int i = rows.size() - 1; i >= 0; i--) {
                PendingEvent entry = PendingEvent.replayOf(rows.get(i));
                entry.lane = lane;
                entry.lastLoaded = i == rows.size() - 1;
                lane.queue.addFirst(entry);
            }
            if (lane.idle()) {
                dispatch(lane);
            }
        }
    }

    /** The sink's answer for a replayed row (on the retry thread): delete it once acknowledged, then carry on. */
    private void onReplayResult(PendingEvent entry, Throwable error) {
        if (error == null) {
            try {
                store.deleteReplayed(entry.row.sequence());
            } catch (SQLException e) {
                synchronized (this) {
                    Lane lane = entry.lane;
                    if (!closed && lane.queue.peek() == entry) {
                        lane.inFlight = false;
                        stopReplay(lane, entry.event.describe() + " was delivered but could not be deleted from "
                                + config.names().parkedTable() + " (" + e.getMessage() + "); the replay is tried again "
                                + "shortly and sends it once more");
                    }
                }
                return;
            }
        }
        boolean readMore;
        synchronized (this) {
            Lane lane = entry.lane;
            readMore = !closed && error == null && lane.queue.peek() == entry && entry.lastLoaded;
            if (readMore) {
                lane.loading = true; // the next rows are read before anything else of the lane is sent
            }
            if (error == null && !closed && lane.queue.peek() == entry) {
                counters.replayed.incrementAndGet();
                lane.replayedCount++;
            }
            onResult(entry, error);
        }
        if (readMore) {
            readReplayRows(entry.lane.key);
        }
    }

    /**
     * The rule parked a replayed row again: it stays the parked head with the new error, the replay stops and the
     * aggregate is parked again. False (the caller retries) when the table cannot be written.
     */
    private boolean parkAgain(Lane lane, PendingEvent entry) {
        ParkedEvent row = entry.row;
        try {
            store.replayFailed(row.sequence(), row.attempts() + entry.attempts, entry.lastError);
        } catch (SQLException ex) {
            LOG.log(WARNING, "Could not record the failed replay of " + entry.event.describe() + " in "
                    + config.names().parkedTable() + " (" + ex.getMessage() + "); retrying its delivery meanwhile");
            return false;
        }
        stopReplay(lane, entry.event.describe() + " failed again after " + entry.attempts + " attempt(s): "
                + entry.lastError + ". It stays parked, with the rest of its aggregate waiting behind it");
        return true;
    }

    /** Ends a replay early: the aggregate is parked again; what came from the log meanwhile is written as WAITING. */
    private void stopReplay(Lane lane, String why) {
        LOG.log(WARNING, "Replay of aggregate " + lane.key + " stopped after " + lane.replayedCount + " event(s): " + why);
        lane.replaying = false;
        replayStopped.put(lane.key, System.nanoTime());
        lane.loading = false;
        lane.dropReplayedEntries();
        lane.parked = true;
        parked.add(lane.key);
        drainToWaiting(lane);
    }

    // ---- shutdown ----

    /** Stops sending and marking; unresolved events are left for the next relay to read again. */
    void close() {
        List<ScheduledFuture<?>> retries = new ArrayList<>();
        synchronized (this) {
            closed = true;
            lanes.values().forEach(l -> {
                if (l.retry != null) {
                    retries.add(l.retry);
                }
            });
            notifyAll();
        }
        retries.forEach(f -> f.cancel(false));
        sender.shutdownNow();
        timer.shutdownNow();
        store.close();
    }

    synchronized long unresolved() {
        return unresolved;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}

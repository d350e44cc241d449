package dev.postbox.fault.support;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.internal.JsonbPayloadSerializer;
import dev.postbox.outbox.internal.OutboxSettings;
import dev.postbox.outbox.internal.TransactionalOutbox;
import jakarta.transaction.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The application side: business transactions that insert an order and publish 1-3 events through the real outbox
 * core ({@link TransactionalOutbox} on {@link dev.postbox.testkit.jta.LocalJta}), one after the other on a single
 * thread. A single thread makes transaction ids follow commit order, which the kill scenario uses to tell which
 * events were past the relay's flushed offset. A transaction that fails (database restarting) is counted and the
 * next one tried later; what committed is read back from the table, never assumed.
 */
public final class Producer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Producer.class.getName());

    private final FaultDatabase db;
    private final TransactionalOutbox outbox;
    private final String aggregateType;
    private final int aggregates;
    private final long pauseMillis;
    private final Thread thread;
    private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
    private final Map<String, Integer> sequences = new HashMap<>(); // producer thread only
    private final Random random = new Random(20240611);
    private final AtomicLong committedEvents = new AtomicLong();
    private final AtomicLong failedTransactions = new AtomicLong();
    private volatile boolean continuous;
    private volatile boolean running = true;

    private Producer(FaultDatabase db, String aggregateType, int aggregates, Duration pause) {
        this.db = db;
        this.aggregateType = aggregateType;
        this.aggregates = aggregates;
        this.pauseMillis = pause.toMillis();
        this.outbox = new TransactionalOutbox(OutboxSettings.defaults(), db.jta, db.jta.dataSource(),
                new JsonbPayloadSerializer());
        this.thread = new Thread(this::loop, "fault-producer-" + db.name());
        thread.setDaemon(true);
        thread.start();
    }

    /** A producer thread; call {@link #produceContinuously} to start the steady stream. */
    public static Producer create(FaultDatabase db, String aggregateType, int aggregates, Duration pause) {
        return new Producer(db, aggregateType, aggregates, pause);
    }

    /**
     * Starts or stops the steady stream. Stopping returns once the transaction in progress (if any) has ended, so
     * that what is committed afterwards is final.
     */
    public Producer produceContinuously(boolean on) {
        continuous = on;
        if (!on) {
            onProducerThread(() -> null);
        }
        return this;
    }

    public long committedEvents() {
        return committedEvents.get();
    }

    public long failedTransactions() {
        return failedTransactions.get();
    }

    /** Where the producer thread is right now (for a timeout message). */
    public String where() {
        StringBuilder sb = new StringBuilder(thread.getState().toString());
        for (StackTraceElement e : thread.getStackTrace()) {
            sb.append("\n        at ").append(e);
        }
        return sb.toString();
    }

    /** Commits one transaction with {@code count} events spread over the aggregates (on the producer thread). */
    public List<UUID> burst(int count) {
        return onProducerThread(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add("o-" + (i % aggregates));
            }
            return transaction(ids, null);
        });
    }

    /** Commits one transaction with {@code count} events of one aggregate, each payload with {@code extraJson}. */
    public List<UUID> commit(String aggregateId, int count, String extraJson) {
        return onProducerThread(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(aggregateId);
            }
            return transaction(ids, extraJson);
        });
    }

    private <T> T onProducerThread(Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        tasks.add(task);
        try {
            return task.get(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("producer transaction failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        while (running) {
            try {
                FutureTask<?> task = tasks.poll(continuous ? pauseMillis : 50, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                } else if (continuous && running) {
                    int n = 1 + random.nextInt(3);
                    String aggregate = "o-" + random.nextInt(aggregates);
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        ids.add(aggregate);
                    }
                    try {
                        transaction(ids, null);
                    } catch (Exception | AssertionError e) {
                        Await.sleep(200); // the database is away: try again shortly
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<UUID> transaction(List<String> aggregateIds, String extraJson) throws Exception {
        if (db.jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
            db.jta.suspend(); // left behind by an Error out of commit()
        }
        Map<String, Integer> next = new HashMap<>();
        List<UUID> eventIds = new ArrayList<>();
        try {
            db.jta.begin();
            try (Connection c = db.jta.dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("INSERT INTO orders (ref) VALUES (?)")) {
                ps.setString(1, "order-" + UUID.randomUUID());
                ps.executeUpdate();
            }
            for (String aggregateId : aggregateIds) {
                int seq = next.merge(aggregateId, sequences.getOrDefault(aggregateId, 0) + 1, (a, b) -> a + 1);
                UUID id = UUID.randomUUID();
                outbox.publish(OutboxEvent.builder(aggregateType, aggregateId, "OrderPlaced").id(id)
                        .payload(Payloads.of(id, aggregateId, seq, extraJson)).build());
                eventIds.add(id);
            }
            db.jta.commit();
        } catch (Exception | AssertionError e) {
            // AssertionError: pgjdbc's BatchResultHandler asserts that getAutoCommit() does not throw, which it does
            // when the server closed the connection in the middle of the outbox's batch insert. Only with -ea (as
            // surefire runs tests); it is an Error, so it also bypasses the JTA manager's rollback.
            failedTransactions.incrementAndGet();
            if (db.jta.getStatus() != Status.STATUS_NO_TRANSACTION) {
                try {
                    db.jta.rollback();
                } catch (Exception ignored) {
                    // the connection is gone; nothing committed
                }
            }
            LOG.fine(() -> "producer transaction failed: " + e);
            throw e;
        }
        sequences.putAll(next);
        committedEvents.addAndGet(eventIds.size());
        return eventIds;
    }

    @Override
    public void close() {
        continuous = false;
        running = false;
        thread.interrupt();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

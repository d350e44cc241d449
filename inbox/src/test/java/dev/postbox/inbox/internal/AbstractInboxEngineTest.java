package dev.postbox.inbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.Inbox;
import dev.postbox.inbox.InboxAttempt;
import dev.postbox.inbox.InboxHistory;
import dev.postbox.inbox.InboxRecord;
import dev.postbox.inbox.InboxResult;
import dev.postbox.inbox.InboxStatus;
import dev.postbox.inbox.InvalidMessageException;
import dev.postbox.inbox.MissingIdempotencyKeyException;
import dev.postbox.inbox.PayloadMismatchException;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.ProcessingDeferredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The engine through the programmatic {@link Inbox}, on a real PostgreSQL and LocalJta. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxEngineTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();


    private static InboxDatabase database;
    private static InboxRuntime runtime;
    private static Inbox inbox;

    @BeforeAll
    void start() {
        database = InboxDatabase.create(product(), "inbox_engine");
        runtime = database.runtime(Map.of(
                "postbox.inbox.\"flaky\".initial-delay", "PT0.05S",
                "postbox.inbox.\"flaky\".backoff-factor", "3",
                "postbox.inbox.\"flaky\".jitter", "0",
                "postbox.inbox.\"waiting\".initial-delay", "PT1H", // a retry that never comes due during the test
                "postbox.inbox.\"waiting\".jitter", "0", // the test asserts the delay: 1 h, not 1 h +/- 20 %
                "postbox.inbox.\"broken\".max-attempts", "3",
                "postbox.inbox.\"broken\".initial-delay", "PT0.001S",
                "postbox.inbox.\"no-overlap\".initial-delay", "PT0.005S",
                "postbox.inbox.max-payload-bytes", "2000"));
        inbox = runtime.inbox();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void withoutAKeyTheSendersEventIdIsTheKeyAndANewContentUnderItIsAMismatch() throws Exception {
        String scope = "ids";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "ids", payload);
            return "ok";
        });
        assertThat(inbox.process(scope, null, "{\"event_id\": \"evt-9\", \"amount\": 5}", String.class).value())
                .isEqualTo("ok");
        // a redelivery, serialized differently: same id, same content -> the stored result
        assertThat(inbox.process(scope, null, "{\"amount\":5.0,\"event_id\":\"evt-9\"}", String.class).value())
                .isEqualTo("ok");
        // the same event id with other content is not a new message
        assertThatThrownBy(() -> inbox.process(scope, null, "{\"event_id\": \"evt-9\", \"amount\": 6}", String.class))
                .isInstanceOf(PayloadMismatchException.class);
        assertThat(runtime.history().find(scope, "evt-9")).isPresent();
        // messageId (camel case, numeric) works too; without any id the canonical hash is the key
        inbox.process(scope, null, "{\"messageId\": 77, \"amount\": 1}", String.class);
        assertThat(runtime.history().find(scope, "77")).isPresent();
        inbox.process(scope, null, "{\"amount\": 2}", String.class);
        assertThat(calls).hasValue(3);
        assertThat(database.db.queryLong("SELECT count(*) FROM postbox_inbox WHERE scope = 'ids' "
                + "AND length(idempotency_key) = 64")).isEqualTo(1);
    }

    @Test
    void thousandDeliveriesFromEightThreadsHaveExactlyOneEffect() throws Exception {
        String scope = "payments";
        AtomicInteger handlerCalls = new AtomicInteger();
        inbox.register(scope, payload -> {
            handlerCalls.incrementAndGet();
            database.effect(scope, "evt_1", payload);
            return "charged";
        });
        String payload = "{\"id\":\"evt_1\",\"amount\":1000}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    return inbox.process(scope, "evt_1", payload, String.class).value();
                } catch (DuplicateInProgressException e) {
                    return "409";
                }
            }));
        }
        go.countDown();
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        for (Future<String> f : results) {
            answers.merge(f.get(), 1, Integer::sum);
        }
        pool.shutdown();

        assertThat(database.effects(scope)).isEqualTo(1);
        assertThat(handlerCalls).hasValue(1);
        assertThat(answers.keySet()).isSubsetOf("charged", "409");
        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
        assertThat(inbox.process(scope, "evt_1", payload, String.class).value()).isEqualTo("charged");
        InboxRecord record = inbox.history().find(scope, "evt_1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(record.attempts()).isEqualTo(1);
    }

    /**
     * Many keys, eight racers each, released together: the handler runs once per key. (A racer whose lock is granted
     * by the previous holder's commit must still see that holder's record; this is the race that catches it.)
     */
    @Test
    void racersReleasedTogetherRunTheHandlerOncePerKey() throws Exception {
        String scope = "racers";
        AtomicInteger handlerCalls = new AtomicInteger();
        inbox.register(scope, payload -> {
            handlerCalls.incrementAndGet();
            database.effect(scope, payload, "run");
            Thread.sleep(2);
            return "done";
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int keys = 150;
        try {
            for (int k = 0; k < keys; k++) {
                String key = "r-" + k;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        while (true) {
                            try {
                                return inbox.process(scope, key, "{\"k\":\"" + key + "\"}", String.class).value();
                            } catch (DuplicateInProgressException busy) {
                                Thread.sleep(1);
                            }
                        }
                    }));
                }
                go.countDown();
                for (Future<String> f : results) {
                    assertThat(f.get()).isEqualTo("done");
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(handlerCalls).hasValue(keys);
        assertThat(database.effects(scope)).isEqualTo(keys);
    }

    /**
     * The first delivery of each key fails while seven racers wait: whoever runs the key next, the handler never
     * runs twice at the same time for one key (a racer that starts between the failed attempt's rollback and the
     * recording of its failure must not overlap with a claim of that record).
     */
    @Test
    void aKeysHandlerNeverRunsConcurrentlyAfterAFailedFirstDelivery() throws Exception {
        String scope = "no-overlap";
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
        AtomicInteger overlaps = new AtomicInteger();
        inbox.register(scope, payload -> {
            String key = payload.substring(6, payload.length() - 2);
            if (active.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            try {
                if (runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    throw new IllegalStateException("first run fails");
                }
                Thread.sleep(30);
                database.effect(scope, key, "ok");
                return "ok";
            } finally {
                active.get(key).decrementAndGet();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int keys = 40;
        try {
            for (int k = 0; k < keys; k++) {
                String key = "o-" + k;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        while (true) {
                            try {
                                return inbox.process(scope, key, "{\"k\":\"" + key + "\"}", String.class).value();
                            } catch (DuplicateInProgressException | ProcessingDeferredException retryLater) {
                                Thread.sleep(1);
                            }
                        }
                    }));
                }
                go.countDown();
                for (Future<String> f : results) {
                    assertThat(f.get()).isEqualTo("ok");
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(overlaps).as("runs of one key overlapping in time").hasValue(0);
        assertThat(database.effects(scope)).isEqualTo(keys);
    }

    @Test
    void duplicateAfterSuccessGetsTheStoredResultAndKeyOrderDoesNotMatter() {
        String scope = "orders";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> Map.of("order", "o-" + calls.incrementAndGet(), "status", "accepted"));
        String first = "{\"sku\":\"A\",\"qty\":2}";
        String reordered = "{ \"qty\" : 2.0,\n \"sku\" : \"A\" }";

        Map<?, ?> a = inbox.process(scope, "req-1", first, Map.class).value();
        Map<?, ?> b = inbox.process(scope, "req-1", reordered, Map.class).value();

        assertThat(calls).hasValue(1);
        assertThat(a.get("order")).isEqualTo("o-1");
        assertThat(a.get("status")).isEqualTo("accepted");
        assertThat(b).isEqualTo(a);
    }

    @Test
    void sameKeyWithAnotherPayloadIsRejected() throws Exception {
        String scope = "refunds";
        inbox.register(scope, payload -> {
            database.effect(scope, "r-1", payload);
            return "ok";
        });
        inbox.process(scope, "r-1", "{\"amount\":10}", String.class);

        assertThatThrownBy(() -> inbox.process(scope, "r-1", "{\"amount\":11}", String.class))
                .isInstanceOf(PayloadMismatchException.class)
                .hasMessageContaining("r-1").hasMessageContaining("refunds")
                .satisfies(e -> assertThat(((PayloadMismatchException) e).httpStatus()).isEqualTo(422));
        assertThat(database.effects(scope)).isEqualTo(1);
    }

    @Test
    void payloadHashIsTheKeyWhenNoneIsGiven() {
        String scope = "hashed";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> calls.incrementAndGet());
        inbox.process(scope, null, "{\"a\":1,\"b\":[1,2]}", Integer.class);
        inbox.process(scope, null, "{\"b\":[1, 2], \"a\":1}", Integer.class);
        inbox.process(scope, null, "{\"b\":[2, 1], \"a\":1}", Integer.class);
        assertThat(calls).hasValue(2);
        assertThat(database.rows(scope)).isEqualTo(2);
    }

    @Test
    void handlerFailingTwiceThenSucceedingCompletesAfterThreeAttemptsWithGrowingDelays() throws Exception {
        String scope = "flaky";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> {
            database.effect(scope, "f-1", "attempt " + (calls.get() + 1));
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("downstream unavailable (" + calls.get() + ")");
            }
            return "done";
        });

        assertThatThrownBy(() -> inbox.process(scope, "f-1", "{\"n\":1}", String.class))
                .isInstanceOf(ProcessingDeferredException.class)
                .satisfies(e -> assertThat(((ProcessingDeferredException) e).attempts()).isEqualTo(1));
        InboxRecord afterFirst = inbox.history().find(scope, "f-1").orElseThrow();
        assertThat(afterFirst.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(afterFirst.lastError()).contains("downstream unavailable (1)");

        runWhenDue();
        InboxRecord afterSecond = inbox.history().find(scope, "f-1").orElseThrow();
        assertThat(afterSecond.status()).isEqualTo(InboxStatus.FAILED);
        runWhenDue();

        InboxRecord done = inbox.history().find(scope, "f-1").orElseThrow();
        assertThat(done.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(done.attempts()).isEqualTo(3);
        assertThat(calls).hasValue(3);
        assertThat(done.history()).extracting(InboxAttempt::outcome).containsExactly("FAILED", "FAILED", "COMPLETED");
        // the failed attempts rolled back their effect, the successful one committed it
        assertThat(database.effects(scope)).isEqualTo(1);
        // the backoff grows: the second wait was scheduled longer than the first ...
        long firstDelay = afterFirst.nextAttemptAt().toEpochMilli() - afterFirst.history().get(0).endedAt().toEpochMilli();
        long secondDelay = afterSecond.nextAttemptAt().toEpochMilli()
                - afterSecond.history().get(1).endedAt().toEpochMilli();
        assertThat(secondDelay).isGreaterThan(firstDelay);
        // ... and no retry started before it was due
        assertThat(done.history().get(1).startedAt()).isAfterOrEqualTo(afterFirst.nextAttemptAt());
        assertThat(done.history().get(2).startedAt()).isAfterOrEqualTo(afterSecond.nextAttemptAt());
        assertThat(inbox.process(scope, "f-1", "{\"n\":1}", String.class).value()).isEqualTo("done");
    }

    /**
     * A duplicate while the retry waits gets the "deferred" answer and does not run the handler. The retry is an
     * hour away, so the duplicate is certain to come before it, however slow the machine.
     */
    @Test
    void aDuplicateWhileTheRetryWaitsIsDeferredAndDoesNotRunTheHandler() {
        String scope = "waiting";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> {
            calls.incrementAndGet();
            throw new IllegalStateException("downstream unavailable");
        });
        assertThatThrownBy(() -> inbox.process(scope, "w-1", "{\"n\":1}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);

        assertThatThrownBy(() -> inbox.process(scope, "w-1", "{\"n\":1}", String.class))
                .isInstanceOfSatisfying(ProcessingDeferredException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.nextAttemptAt()).isAfter(java.time.Instant.now().plusSeconds(3000));
                });
        assertThat(calls).hasValue(1);
        InboxRecord record = inbox.history().find(scope, "w-1").orElseThrow();
        assertThat(record.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(record.attempts()).isEqualTo(1);
    }

    @Test
    void handlerAlwaysFailingEndsDeadAfterMaxAttemptsAndCanBeReplayed() throws Exception {
        String scope = "broken";
        AtomicInteger calls = new AtomicInteger();
        boolean[] fixed = {false};
        inbox.register(scope, payload -> {
            calls.incrementAndGet();
            if (!fixed[0]) {
                throw new IllegalStateException("bug in handler");
            }
            database.effect(scope, "b-1", payload);
            return "repaired";
        });

        assertThatThrownBy(() -> inbox.process(scope, "b-1", "{\"x\":1}", String.class))
                .isInstanceOf(ProcessingDeferredException.class);
        runWhenDue();
        runWhenDue();
        InboxRecord dead = inbox.history().find(scope, "b-1").orElseThrow();
        assertThat(dead.status()).isEqualTo(InboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(calls).hasValue(3);
        assertThat(dead.history()).extracting(InboxAttempt::outcome).containsExactly("FAILED", "FAILED", "DEAD");
        assertThat(runtime.scheduler().runDue()).isZero();
        assertThatThrownBy(() -> inbox.process(scope, "b-1", "{\"x\":1}", String.class))
                .isInstanceOf(ProcessingDeadException.class).hasMessageContaining("bug in handler");
        assertThat(inbox.history().list(InboxHistory.Filter.all().scope(scope).status(InboxStatus.DEAD)))
                .extracting(InboxRecord::id).containsExactly(dead.id());
        assertThat(inbox.history().list(InboxHistory.Filter.all().status(InboxStatus.DEAD)
                .between(dead.createdAt(), dead.createdAt().plusMillis(1)))).extracting(InboxRecord::id)
                .contains(dead.id());
        assertThat(inbox.history().list(InboxHistory.Filter.all().scope(scope)
                .between(dead.createdAt().plusSeconds(3600), dead.createdAt().plusSeconds(7200)))).isEmpty();
        assertThat(inbox.history().list(InboxHistory.Filter.all().scope(scope).status(InboxStatus.COMPLETED)))
                .isEmpty();

        fixed[0] = true;
        InboxRecord replayed = inbox.history().replay(dead.id());
        assertThat(replayed.status()).isEqualTo(InboxStatus.RECEIVED);
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);

        InboxRecord done = inbox.history().find(dead.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(InboxStatus.COMPLETED);
        assertThat(done.history()).extracting(InboxAttempt::outcome)
                .containsExactly("FAILED", "FAILED", "DEAD", "REPLAY", "COMPLETED");
        assertThat(database.effects(scope)).isEqualTo(1);
        assertThat(inbox.process(scope, "b-1", "{\"x\":1}", String.class).value()).isEqualTo("repaired");
        assertThatThrownBy(() -> inbox.history().replay(dead.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("COMPLETED");
    }

    @Test
    void badInputsGiveClearErrorsAndLeaveNoRow() {
        String scope = "strict";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> calls.incrementAndGet());

        assertThatThrownBy(() -> inbox.process(scope, "k", null, Integer.class))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.NULL_PAYLOAD))
                .hasMessageContaining("null");
        assertThatThrownBy(() -> inbox.process(scope, "k", "{\"big\":\"" + "x".repeat(3000) + "\"}", Integer.class))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.TOO_LARGE);
                    assertThat(e.httpStatus()).isEqualTo(413);
                })
                .hasMessageContaining("postbox.inbox.max-payload-bytes=2000");
        assertThatThrownBy(() -> inbox.process(scope, "k", "{\"unterminated\": [1, 2", Integer.class))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.MALFORMED))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> inbox.process(scope, "  ", "{}", Integer.class))
                .isInstanceOf(MissingIdempotencyKeyException.class);
        assertThatThrownBy(() -> inbox.process(scope, "k".repeat(600), "{}", Integer.class))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.INVALID_KEY));
        assertThatThrownBy(() -> inbox.receive(scope, "k", "not json"))
                .isInstanceOf(InvalidMessageException.class);
        assertThatThrownBy(() -> inbox.process("unregistered", "k", "{}", Integer.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Inbox.register(\"unregistered\"");

        assertThat(calls).hasValue(0);
        assertThat(database.rows(scope)).isZero();
        assertThat(database.rows("unregistered")).isZero();
    }

    /**
     * A handler registered with a type gets the payload bound by JSON-B; the result says whether it was replayed and
     * which record holds it; a payload that does not bind is refused before anything is written.
     */
    @Test
    void aTypedHandlerGetsTheBoundPayloadAndAnUnbindablePayloadWritesNothing() throws Exception {
        String scope = "typed";
        List<Charge> seen = new CopyOnWriteArrayList<>();
        inbox.register(scope, Charge.class, charge -> {
            seen.add(charge);
            return charge.amount() * 2;
        });

        InboxResult<Long> first = inbox.process(scope, "c-1", "{\"id\":\"c-1\",\"amount\":21,\"extra\":true}",
                Long.class);
        InboxResult<Long> again = inbox.process(scope, "c-1", "{\"extra\":true,\"amount\":21,\"id\":\"c-1\"}",
                Long.class);
        assertThat(first.value()).isEqualTo(42L);
        assertThat(first.replayed()).isFalse();
        assertThat(again.value()).isEqualTo(42L);
        assertThat(again.replayed()).isTrue();
        assertThat(again.recordId()).isEqualTo(first.recordId());
        assertThat(inbox.history().find(first.recordId()).orElseThrow().key()).isEqualTo("c-1");
        assertThat(seen).containsExactly(new Charge("c-1", 21));

        assertThatThrownBy(() -> inbox.process(scope, "c-2", "{\"id\":\"c-2\",\"amount\":\"lots\"}", Long.class))
                .isInstanceOfSatisfying(InvalidMessageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.NOT_BINDABLE);
                    assertThat(e.httpStatus()).isEqualTo(400);
                })
                .hasMessageContaining("scope 'typed'").hasMessageContaining(Charge.class.getName())
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> inbox.receive(scope, "c-3", "{\"id\":\"c-3\",\"amount\":[1]}"))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.NOT_BINDABLE));
        assertThat(seen).hasSize(1);
        assertThat(database.rows(scope)).isEqualTo(1);

        // a received message is bound again when the scheduler runs it
        assertThat(inbox.receive(scope, "c-4", "{\"id\":\"c-4\",\"amount\":5}")).isTrue();
        assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        assertThat(seen).containsExactly(new Charge("c-1", 21), new Charge("c-4", 5));
        InboxResult<Long> stored = inbox.process(scope, "c-4", "{\"id\":\"c-4\",\"amount\":5}", Long.class);
        assertThat(stored.value()).isEqualTo(10L);
        assertThat(stored.replayed()).isTrue();
    }

    /** The payload type of {@link #aTypedHandlerGetsTheBoundPayloadAndAnUnbindablePayloadWritesNothing}. */
    public record Charge(String id, long amount) {
    }

    @Test
    void receivedMessagesAreProcessedLaterOnce() throws Exception {
        String scope = "async";
        AtomicInteger calls = new AtomicInteger();
        inbox.register(scope, payload -> {
            calls.incrementAndGet();
            database.effect(scope, "a", payload);
            return null;
        });
        assertThat(inbox.receive(scope, "m-1", "{\"v\":1}")).isTrue();
        assertThat(inbox.receive(scope, "m-1", "{ \"v\" : 1 }")).isFalse();
        assertThatThrownBy(() -> inbox.receive(scope, "m-1", "{\"v\":2}")).isInstanceOf(PayloadMismatchException.class);
        assertThat(inbox.history().find(scope, "m-1").orElseThrow().status()).isEqualTo(InboxStatus.RECEIVED);
        assertThat(calls).hasValue(0);

        assertThat(runtime.scheduler().runDue()).isEqualTo(1);
        assertThat(runtime.scheduler().runDue()).isZero();
        assertThat(calls).hasValue(1);
        assertThat(database.effects(scope)).isEqualTo(1);
        assertThat(inbox.history().find(scope, "m-1").orElseThrow().status()).isEqualTo(InboxStatus.COMPLETED);
    }

    @Test
    void completedRecordsArePurgedAfterTheirRetentionOnly() throws Exception {
        InboxRuntime shortLived = database.runtime(Map.of("postbox.inbox.\"ephemeral\".retention", "PT0.001S",
                "postbox.inbox.purge-batch-size", "2"));
        try {
            shortLived.inbox().register("ephemeral", payload -> "ok");
            shortLived.inbox().register("kept", payload -> "ok");
            for (int i = 0; i < 5; i++) {
                shortLived.inbox().process("ephemeral", "e-" + i, "{}", String.class);
            }
            shortLived.inbox().process("kept", "k-1", "{}", String.class);
            Thread.sleep(5); // past the 1 ms retention (database clock)

            assertThat(shortLived.scheduler().purge()).isEqualTo(5);
            assertThat(database.rows("ephemeral")).isZero();
            assertThat(database.rows("kept")).isEqualTo(1);
        } finally {
            shortLived.close();
        }
    }

    /** Waits (bounded) until the scheduler finds a due record, runs it, and returns. */
    private static void runWhenDue() throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (runtime.scheduler().runDue(1) > 0) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no record became due");
    }
}

package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** Poison events are parked without blocking other aggregates; their successors wait; replay restores order. */
abstract class PoisonEventSuite {

    /** A fresh database with the outbox and relay tables, on the product under test. */
    abstract TestDatabase database(String prefix);

    /** Real Kafka, except that events marked "poison" fail (retryably) while {@link #failPoison} is set. */
    static final class PoisonSink implements RelaySink {
        final RelaySink kafka;
        volatile boolean failPoison = true;
        final Map<UUID, AtomicInteger> attempts = new ConcurrentHashMap<>();

        PoisonSink(String topicPattern) {
            kafka = RelaySinks.kafka(KafkaBroker.shared().bootstrapServers(), topicPattern, Map.of());
        }

        @Override
        public CompletionStage<Void> send(RelayEvent event) {
            attempts.computeIfAbsent(event.id(), k -> new AtomicInteger()).incrementAndGet();
            if (failPoison && event.payload() != null && event.payload().contains("\"poison\": true")) {
                return CompletableFuture.failedFuture(
                        RelaySinkException.retryable("consumer rejects this event (test)", null));
            }
            return kafka.send(event);
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    @Test
    void poisonIsParkedAfterMaxAttemptsOthersFlowSuccessorsWaitAndReplayKeepsOrder() {
        TestDatabase db = database("poison");
        PoisonSink sink = new PoisonSink(db.name() + ".${aggregatetype}");
        try (OutboxRelay relay = relay(db).sink(sink).maxAttempts(3).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Order")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            ParkedEvents parked = relay.parkedEvents();

            insert(db, "Order", "p", 1);
            UUID poison = insert(db, "Order", "p", "Seq", "{\"seq\": 2, \"poison\": true}", "{}");
            insert(db, "Order", "p", 3);
            // Alone, the failing event is indistinguishable from a sink outage: retried beyond max-attempts, not parked.
            await("poison retried past max-attempts", () -> sink.attempts.getOrDefault(poison, new AtomicInteger()).get() > 4);
            assertThat(parked.count()).isZero();

            // Other aggregates flow; their success shows the sink works, so the poison is parked at its next failure.
            for (int seq = 1; seq <= 20; seq++) {
                insert(db, "Order", "x", seq);
                insert(db, "Order", "y", seq);
            }
            await("poison parked", () -> parked.count() == 2);
            insert(db, "Order", "p", 4); // arrives after the parking: waits too
            await("successor waiting", () -> parked.count() == 3);

            List<ParkedEvent> rows = parked.forAggregate("Order", "p");
            assertThat(rows).extracting(r -> r.event().payload())
                    .containsExactly("{\"seq\": 2, \"poison\": true}", "{\"seq\": 3}", "{\"seq\": 4}");
            assertThat(rows).extracting(ParkedEvent::status).containsExactly(
                    ParkedEvent.Status.PARKED, ParkedEvent.Status.WAITING, ParkedEvent.Status.WAITING);
            assertThat(rows.get(0).event().id()).isEqualTo(poison);
            assertThat(rows.get(0).attempts()).isGreaterThanOrEqualTo(3);
            assertThat(rows.get(0).lastError()).contains("consumer rejects this event");
            assertThat(relay.status().parked()).isEqualTo(1);

            List<ConsumerRecord<String, String>> records = consume(consumer, 41, new ArrayList<>());
            drain(consumer, Duration.ofMillis(300), records);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/p")).containsExactly(1);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/x")).hasSize(20);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/y")).hasSize(20);

            // the consumer is fixed; replay: the poison, then its successors, in order; then new events flow directly
            sink.failPoison = false;
            assertThat(parked.replay(UUID.randomUUID())).isFalse();
            assertThat(parked.replay(poison)).isTrue();
            await("replayed", () -> parked.count() == 0);
            insert(db, "Order", "p", 5);
            consume(consumer, 45, records);
            drain(consumer, Duration.ofMillis(300), records);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/p")).containsExactly(1, 2, 3, 4, 5);
        }
    }

    /**
     * A replay interrupted part-way (here a stop while a replayed event waits for its retry; a crash is the same) must be
     * finished by the next relay: the rows not yet replayed keep a PARKED head and the replay request. Before the
     * fix, deleting the replayed head left WAITING rows without a head or a request: the aggregate was blocked for
     * good and {@code replay} refused every one of its ids.
     */
    @Test
    void replayInterruptedByAStopIsFinishedByTheNextRelay() throws Exception {
        TestDatabase db = database("replay_stop");
        PoisonSink sink = new PoisonSink(db.name() + ".${aggregatetype}");
        CountDownLatch reached = new CountDownLatch(1);
        CompletableFuture<Void> pending = new CompletableFuture<>();
        RelaySink gated = new RelaySink() {
            @Override
            public CompletionStage<Void> send(RelayEvent event) {
                if (!sink.failPoison && event.payload().contains("\"seq\": 4") && reached.getCount() > 0) {
                    reached.countDown();
                    return pending; // the replay hangs on its third event until the test lets it fail
                }
                if (sink.failPoison && event.payload().contains("\"poison\": true")) {
                    return CompletableFuture.failedFuture(RelaySinkException.permanent("rejected (test)", null));
                }
                return sink.kafka.send(event);
            }
        };
        UUID poison;
        try (OutboxRelay relay = relay(db).sink(gated)
                .backoff(backoff(Duration.ofSeconds(2), Duration.ofSeconds(5))).build()) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            insert(db, "Order", "p", 1);
            poison = insert(db, "Order", "p", "Seq", "{\"seq\": 2, \"poison\": true}", "{}");
            for (int seq = 3; seq <= 6; seq++) {
                insert(db, "Order", "p", seq);
            }
            await("poison parked, 4 waiting", () -> relay.parkedEvents().count() == 5);

            sink.failPoison = false;
            assertThat(relay.parkedEvents().replay(poison)).isTrue();
            assertThat(reached.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // the third replayed event fails; while the replay waits out its 2 s backoff, the relay is stopped
            pending.completeExceptionally(RelaySinkException.retryable("connection reset (test)", null));
            relay.stop();

            List<ParkedEvent> left = relay.parkedEvents().forAggregate("Order", "p");
            assertThat(left).extracting(r -> seqOf(r.event().payload())).containsExactly(4, 5, 6);
            assertThat(left.get(0).status()).as("head of what is left").isEqualTo(ParkedEvent.Status.PARKED);
            assertThat(left.get(0).replayRequestedAt()).as("replay request carried to the new head").isNotNull();
        }
        try (OutboxRelay next = relay(db).sink(gated).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Order")) {
            next.start();
            await("the next relay finishing the replay", () -> next.parkedEvents().count() == 0);
            insert(db, "Order", "p", 7);
            List<ConsumerRecord<String, String>> records = consume(consumer, 7, new ArrayList<>());
            drain(consumer, Duration.ofMillis(300), records);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/p")).containsExactly(1, 2, 3, 4, 5, 6, 7);
        }
    }

    /** Real Kafka, except that the poison fails permanently while {@link #poisonFails}, and everything retryably while {@link #down}. */
    static final class SwitchSink implements RelaySink {
        final RelaySink kafka;
        volatile boolean poisonFails = true;
        volatile boolean down;
        final AtomicInteger poisonAttempts = new AtomicInteger();

        SwitchSink(String topicPattern) {
            kafka = RelaySinks.kafka(KafkaBroker.shared().bootstrapServers(), topicPattern, Map.of());
        }

        @Override
        public CompletionStage<Void> send(RelayEvent event) {
            boolean poison = event.payload().contains("\"poison\": true");
            int n = poison ? poisonAttempts.incrementAndGet() : 0;
            if (down) {
                return CompletableFuture.failedFuture(RelaySinkException.retryable("sink down (test)", null));
            }
            if (poison && poisonFails) {
                return CompletableFuture.failedFuture(RelaySinkException.permanent("rejected (test) #" + n, null));
            }
            return kafka.send(event);
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    @Test
    void aReplayedEventThatFailsAgainStaysParkedWithItsNewErrorAndItsSuccessorsKeepWaiting() {
        TestDatabase db = database("replay_again");
        SwitchSink sink = new SwitchSink(db.name() + ".${aggregatetype}");
        try (OutboxRelay relay = relay(db).sink(sink).maxAttempts(3).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Order")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            insert(db, "Order", "p", 1);
            UUID poison = insert(db, "Order", "p", "Seq", "{\"seq\": 2, \"poison\": true}", "{}");
            insert(db, "Order", "p", 3);
            await("poison parked, one waiting", () -> relay.parkedEvents().count() == 2);

            assertThat(relay.parkedEvents().replay(poison)).isTrue(); // the consumer is not fixed yet
            await("replay failed", () -> relay.parkedEvents().forAggregate("Order", "p").get(0).replayRequestedAt() == null);
            List<ParkedEvent> rows = relay.parkedEvents().forAggregate("Order", "p");
            assertThat(rows).extracting(ParkedEvent::status)
                    .containsExactly(ParkedEvent.Status.PARKED, ParkedEvent.Status.WAITING);
            assertThat(rows.get(0).event().id()).isEqualTo(poison);
            assertThat(rows.get(0).attempts()).as("the first attempt, then the replay's").isEqualTo(2);
            assertThat(rows.get(0).lastError()).contains("rejected (test) #2");
            insert(db, "Order", "p", 4); // the aggregate is parked again: a new event waits too
            await("successor waiting", () -> relay.parkedEvents().count() == 3);

            sink.poisonFails = false;
            assertThat(relay.parkedEvents().replay(poison)).isTrue();
            await("replayed", () -> relay.parkedEvents().count() == 0);
            insert(db, "Order", "p", 5);
            List<ConsumerRecord<String, String>> records = consume(consumer, 5, new ArrayList<>());
            drain(consumer, Duration.ofMillis(300), records);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/p")).containsExactly(1, 2, 3, 4, 5);
        }
    }

    /**
     * A replay takes the path of every event: when the sink is down while it runs, the outage is noticed and the
     * replayed event is retried, not parked again after max-attempts; the replay finishes when the sink returns.
     */
    @Test
    void aReplayDuringASinkOutageIsRetriedUntilTheSinkReturns() {
        TestDatabase db = database("replay_outage");
        SwitchSink sink = new SwitchSink(db.name() + ".${aggregatetype}");
        try (OutboxRelay relay = relay(db).sink(sink).maxAttempts(3).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Order")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            UUID poison = insert(db, "Order", "p", "Seq", "{\"seq\": 1, \"poison\": true}", "{}");
            insert(db, "Order", "p", 2);
            await("poison parked, one waiting", () -> relay.parkedEvents().count() == 2);

            sink.poisonFails = false;
            sink.down = true;
            int before = sink.poisonAttempts.get();
            assertThat(relay.parkedEvents().replay(poison)).isTrue();
            await("outage noticed during the replay", () -> relay.status().sinkOutage());
            await("retried past max-attempts", () -> sink.poisonAttempts.get() - before > 4);
            ParkedEvent head = relay.parkedEvents().forAggregate("Order", "p").get(0);
            assertThat(head.event().id()).isEqualTo(poison);
            assertThat(head.replayRequestedAt()).as("the replay is still under way").isNotNull();
            assertThat(relay.parkedEvents().count()).isEqualTo(2);

            sink.down = false;
            await("replayed", () -> relay.parkedEvents().count() == 0);
            await("outage over", () -> !relay.status().sinkOutage());
            List<ConsumerRecord<String, String>> records = consume(consumer, 2, new ArrayList<>());
            drain(consumer, Duration.ofMillis(300), records);
            assertThat(sequencesByKey(records).get(db.name() + ".Order/p")).containsExactly(1, 2);
        }
    }

    private static int seqOf(String payload) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"seq\":\\s*(\\d+)").matcher(payload);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void permanentFailureParksAtOnce() {
        TestDatabase db = database("permanent");
        // a real broker refuses a record above max.request.size: the event itself can never be sent
        try (OutboxRelay relay = kafkaRelay(db).kafkaProducerProperty("max.request.size", "2000").build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Doc")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            UUID big = insert(db, "Doc", "d-1", "Seq", "{\"seq\": 1, \"blob\": \"" + "x".repeat(5000) + "\"}", "{}");
            insert(db, "Doc", "d-1", 2);
            insert(db, "Doc", "d-2", 1);
            await("parked", () -> relay.parkedEvents().count() == 2);
            ParkedEvent head = relay.parkedEvents().forAggregate("Doc", "d-1").get(0);
            assertThat(head.event().id()).isEqualTo(big);
            assertThat(head.attempts()).isEqualTo(1);
            assertThat(head.lastError()).contains("RecordTooLargeException");
            List<ConsumerRecord<String, String>> records = consume(consumer, 1, new ArrayList<>());
            assertThat(records.get(0).key()).isEqualTo("d-2");
        }
    }
}

package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Payloads;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Report;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.ProcessingDeferredException;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.jta.LocalJta;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Eight consumers racing on the same message id, each an inbox of its own (own transaction manager and
 * connections, like eight application instances sharing one database): exactly one effect per message.
 */
abstract class RacingConsumersScenario {

    /** A fresh scenario database on the product of the subclass. */
    abstract FaultDatabase database(String prefix);


    private static final int RACERS = 8;

    /** Eight consumer groups on one topic: Kafka itself hands every event to eight consumers at about the same time. */
    @Test
    void eightConsumerGroupsGetEveryEventAndApplyItOnce() {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = database("race_groups");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of());
        List<InboxRuntime> runtimes = new ArrayList<>();
        List<InboxConsumer> consumers = new ArrayList<>();
        try (OutboxRelay relay = Relays.builder(db, bootstrap).build();
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(10))) {
            for (int i = 0; i < RACERS; i++) {
                InboxRuntime runtime = Consumers.inbox(db, new LocalJta(db.db.dataSource()), Map.of(),
                        Clock.systemUTC(), payload -> { });
                runtimes.add(runtime);
                consumers.add(new InboxConsumer(bootstrap, List.of(topic), runtime.inbox(),
                        InboxConsumer.Mode.PROCESS, 2));
            }
            relay.start();
            Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            producer.produceContinuously(true);
            int events = Scale.pick(200, 2000);
            Await.until(events + " events committed", () -> producer.committedEvents() >= events);
            producer.produceContinuously(false);
            for (InboxConsumer c : consumers.subList(1, RACERS)) {
                Await.until("every consumer group has every event", () -> c.missing(db.committedIds()).isEmpty()
                        && c.idle());
            }
            long retried = consumers.stream().mapToLong(InboxConsumer::retries).sum();
            Verdict.check(db.scenario("8 consumer groups"), db, consumers.get(0), RACERS + " consumer groups (separate inbox "
                    + "instances) each received all of them; " + retried + " deliveries met the event in progress "
                    + "elsewhere and were retried");
        } finally {
            consumers.forEach(InboxConsumer::close);
            runtimes.forEach(InboxRuntime::close);
        }
    }

    /** Eight threads released together on the same id, for many ids; the handler takes a little while. */
    @Test
    void eightConsumersReleasedTogetherOnOneMessageIdApplyItOnce() throws Exception {
        int messages = Scale.pick(100, 1000);
        FaultDatabase db = database("race_ids");
        List<InboxRuntime> runtimes = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            runtimes.add(Consumers.inbox(db, new LocalJta(db.db.dataSource()), Map.of(), Clock.systemUTC(),
                    payload -> Thread.sleep(5)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        long runsBefore = Consumers.HANDLER_RUNS.get();
        AtomicLong inProgressAnswers = new AtomicLong();
        Set<UUID> ids = new HashSet<>();
        try {
            for (int m = 0; m < messages; m++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                String payload = Payloads.of(id, "race", m, null);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> answers = new ArrayList<>();
                for (InboxRuntime runtime : runtimes) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        while (true) {
                            try {
                                return runtime.inbox().process(Consumers.SCOPE, id.toString(), payload, String.class)
                                        .value();
                            } catch (DuplicateInProgressException e) {
                                inProgressAnswers.incrementAndGet();
                                Thread.sleep(2);
                            }
                        }
                    }));
                }
                go.countDown();
                Set<String> distinct = new HashSet<>();
                for (Future<String> f : answers) {
                    distinct.add(f.get());
                }
                assertThat(distinct).as("what the 8 racers of " + id + " got").containsExactly("applied " + id);
            }
        } finally {
            pool.shutdownNow();
            runtimes.forEach(InboxRuntime::close);
        }
        Map<UUID, Integer> effects = db.effects();
        assertThat(effects.keySet()).isEqualTo(ids);
        assertThat(effects.values()).containsOnly(1);
        long runs = Consumers.HANDLER_RUNS.get() - runsBefore;
        assertThat(runs).as("handler runs").isEqualTo(messages);
        Report.figure(db.scenario("8 racers on one id"), messages + " messages x " + RACERS + " racers released together: "
                + effects.size() + " effects, each exactly once; handler ran " + runs + " times; "
                + inProgressAnswers.get() + " answers 'in progress' (retried, then the stored result)");
    }

    /**
     * A claimed retry of each message outlives its lease: another racer takes the record over and completes it; the
     * slow run's completion is fenced off and its transaction, effect included, rolls back. (A first delivery holds
     * its key with a transaction-scoped lock and cannot be taken over while it runs; leases and fencing protect
     * records that are claimed again: retries, received and replayed records.)
     */
    @Test
    void racersTakingOverAnExpiredLeaseStillApplyOnce() throws Exception {
        int messages = Scale.pick(8, 40);
        FaultDatabase db = database("race_lease");
        Set<UUID> failedOnce = ConcurrentHashMap.newKeySet();
        Set<UUID> slowStarted = ConcurrentHashMap.newKeySet();
        List<InboxRuntime> runtimes = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            runtimes.add(Consumers.inbox(db, new LocalJta(db.db.dataSource()), Map.of("postbox.inbox.lease", "PT0.2S",
                    "postbox.inbox.initial-delay", "PT0.01S", "postbox.inbox.jitter", "0"),
                    Clock.systemUTC(), payload -> {
                        UUID id = Payloads.eventId(payload);
                        if (failedOnce.add(id)) {
                            throw new IllegalStateException("downstream unavailable"); // leaves a record to claim
                        }
                        if (slowStarted.add(id)) {
                            Thread.sleep(800); // the claimed retry of each message: four times the lease
                        }
                    }));
        }
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        long runsBefore = Consumers.HANDLER_RUNS.get();
        AtomicLong leaseLost = new AtomicLong();
        Set<UUID> ids = new HashSet<>();
        try {
            for (int m = 0; m < messages; m++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                String payload = Payloads.of(id, "lease", m, null);
                // the first delivery fails alone, so that the racers all meet a record to claim
                assertThatThrownBy(() -> runtimes.get(0).inbox().process(Consumers.SCOPE, id.toString(), payload,
                        String.class).value()).isInstanceOf(ProcessingDeferredException.class);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> answers = new ArrayList<>();
                for (InboxRuntime runtime : runtimes) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        while (true) {
                            try {
                                return runtime.inbox().process(Consumers.SCOPE, id.toString(), payload, String.class)
                                        .value();
                            } catch (DuplicateInProgressException e) {
                                if (e.getMessage().contains("took the record over")) {
                                    leaseLost.incrementAndGet();
                                }
                                Thread.sleep(20);
                            } catch (ProcessingDeferredException e) {
                                Thread.sleep(5); // the retry is due shortly
                            }
                        }
                    }));
                }
                go.countDown();
                for (Future<String> f : answers) {
                    assertThat(f.get()).isEqualTo("applied " + id);
                }
            }
        } finally {
            pool.shutdownNow();
            runtimes.forEach(InboxRuntime::close);
        }
        Map<UUID, Integer> effects = db.effects();
        assertThat(effects.keySet()).isEqualTo(ids);
        assertThat(effects.values()).containsOnly(1);
        long runs = Consumers.HANDLER_RUNS.get() - runsBefore;
        assertThat(runs).as("handler runs: the failed first run, the slow claimed retry, a take-over, per message")
                .isGreaterThanOrEqualTo(3L * messages);
        // every message's record shows the expired lease and the take-over (the slow run may be a racer's or a
        // scheduler's claim: the history says which attempts there were, whoever ran them)
        String attempts = "'[{\"outcome\": \"FAILED\"}, {\"outcome\": \"LEASE_EXPIRED\"}, "
                + "{\"outcome\": \"COMPLETED\"}]'";
        assertThat(db.db.queryLong("select count(*) from postbox_inbox where " + (db.isMariaDb()
                ? "JSON_CONTAINS(history, " + attempts + ")" : "history @> " + attempts)))
                .as("records with a failed attempt, an expired lease and a completed take-over").isEqualTo(messages);
        Report.figure(db.scenario("8 racers, lease expired"), messages + " messages x " + RACERS + " racers, claimed retry 4x "
                + "slower than the lease: handler ran " + runs + " times, every record shows FAILED, LEASE_EXPIRED, "
                + "COMPLETED; " + leaseLost.get() + " fenced completions seen by racers (others by schedulers); effects: " + effects.size()
                + ", each exactly once");
    }
}

package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.ForkedRelay;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.ParkedEvent;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * A real poison event: the topic accepts messages of at most 4 KiB ({@code max.message.bytes}) and one event is
 * 10 KiB, so the broker rejects it (RecordTooLarge, a permanent failure). It is parked; later events of its aggregate
 * wait behind it; the other aggregates keep flowing. The operator then raises the topic's limit and replays: the
 * poison event and its successors arrive, in order, and the aggregate flows directly again.
 */
abstract class PoisonEventScenario {

    /** A fresh scenario database on the product of the subclass. */
    abstract FaultDatabase database(String prefix);


    private static final String SCENARIO = "poison event";

    @Test
    void poisonIsParkedOthersFlowAndReplayDeliversItAndItsSuccessorsInOrder() throws Exception {
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = database("poison");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of("max.message.bytes", "4096"));
        try (OutboxRelay relay = Relays.builder(db, bootstrap).maxAttempts(3).build();
                InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15))) {
            relay.start();
            Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
            producer.produceContinuously(true);
            long before = consumer.records();
            Await.until("events flowing", () -> consumer.records() > before + 50);

            List<UUID> aggregate = new ArrayList<>(); // events of aggregate p-1, in commit order
            UUID poison = producer.commit("p-1", 1, "\"blob\":\"" + "x".repeat(10_000) + "\"").get(0);
            aggregate.add(poison);
            aggregate.addAll(producer.commit("p-1", 2, null));
            aggregate.addAll(producer.commit("p-1", 2, null));
            Await.until("the poison parked and its 4 successors waiting", () -> relay.parkedEvents().count() == 5,
                    () -> relay.status().toString());

            List<ParkedEvent> rows = relay.parkedEvents().forAggregate("Order", "p-1");
            assertThat(rows).extracting(r -> r.event().id()).containsExactlyElementsOf(aggregate);
            assertThat(rows.get(0).status()).isEqualTo(ParkedEvent.Status.PARKED);
            assertThat(rows.get(0).lastError()).contains("RecordTooLarge");
            assertThat(rows.subList(1, rows.size())).extracting(ParkedEvent::status)
                    .containsOnly(ParkedEvent.Status.WAITING);

            long parkedAt = consumer.records();
            Await.until("other aggregates flowing while p-1 is parked", () -> consumer.records() > parkedAt + Scale.pick(60, 200));
            aggregate.addAll(producer.commit("p-1", 1, null)); // arrives after the parking: waits too
            Await.until("the new p-1 event waiting", () -> relay.parkedEvents().count() == 6);
            assertThat(consumer.seenCount(aggregate)).as("p-1 events in Kafka while parked").isZero();

            raiseMaxMessageBytes(bootstrap, topic);
            assertThat(relay.parkedEvents().replay(poison)).isTrue();
            Await.until("the replay done", () -> relay.parkedEvents().count() == 0, () -> relay.status().toString());
            aggregate.addAll(producer.commit("p-1", 2, null)); // flows directly again
            Await.until("every p-1 event in Kafka", () -> consumer.seenCount(aggregate) == aggregate.size());
            producer.produceContinuously(false);

            List<UUID> kafkaOrder = aggregate.stream().sorted(Comparator.comparing(consumer::firstOffset)).toList();
            assertThat(kafkaOrder).as("p-1 events in Kafka, by offset").containsExactlyElementsOf(aggregate);
            assertThat(relay.status().parked()).isEqualTo(1);
            Verdict.check(db.scenario(SCENARIO), db, consumer, "1 poison event parked (" + rows.get(0).attempts()
                    + " attempt, "
                    + "RecordTooLarge), " + (rows.size() - 1) + "+1 successors waited, " + (consumer.records() - parkedAt)
                    + " events of other aggregates delivered meanwhile; after the fix the replay delivered the 6 parked "
                    + "p-1 events, then p-1 flowed directly again: all " + aggregate.size() + " in commit order");
        }
    }

    /**
     * The relay process is killed with SIGKILL while it replays a parked aggregate (the poison event and hundreds of
     * successors): the next relay process must finish the replay, in order, without anyone asking again.
     */
    @Test
    void replayInterruptedByAKill9IsFinishedByTheNextRelay() throws Exception {
        int successors = Scale.pick(100, 300);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = database("poison_kill");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of("max.message.bytes", "4096"));
        Map<String, String> config = Relays.config(db, bootstrap);
        ForkedRelay relay = ForkedRelay.start(config, db.name() + "-relay-1");
        try (OutboxRelay api = Relays.builder(db, bootstrap).build(); // not started: only its ParkedEvents
                InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15))) {
            Await.until("relay process streaming", () -> Relays.slotActive(db));
            producer.produceContinuously(true);
            List<UUID> aggregate = new ArrayList<>();
            UUID poison = producer.commit("p-1", 1, "\"blob\":\"" + "x".repeat(10_000) + "\"").get(0);
            aggregate.add(poison);
            aggregate.addAll(producer.commit("p-1", successors, null));
            Await.until("the poison parked and its successors waiting",
                    () -> api.parkedEvents().count() == successors + 1);

            raiseMaxMessageBytes(bootstrap, topic);
            assertThat(api.parkedEvents().replay(poison)).isTrue(); // any instance may ask; the active one replays
            long remaining;
            do {
                remaining = api.parkedEvents().count();
            } while (remaining == successors + 1 && sleep(5));
            relay.kill();
            long atKill = api.parkedEvents().count();
            assertThat(atKill).as("parked rows left when the replaying relay was killed")
                    .isBetween(1L, (long) successors);

            relay = ForkedRelay.start(config, db.name() + "-relay-2");
            Await.until("the next relay finishing the replay", () -> api.parkedEvents().count() == 0,
                    () -> "(" + api.parkedEvents().count() + " rows still parked)");
            aggregate.addAll(producer.commit("p-1", 2, null)); // flows directly again
            Await.until("every p-1 event in Kafka", () -> consumer.seenCount(aggregate) == aggregate.size());
            producer.produceContinuously(false);
            List<UUID> distinctInKafkaOrder = aggregate.stream().sorted(Comparator.comparing(consumer::firstOffset))
                    .toList();
            assertThat(distinctInKafkaOrder).as("p-1 events by first offset").containsExactlyElementsOf(aggregate);
            Verdict.check(db.scenario("poison replay killed"), db, consumer, "replay of 1 poison + " + successors
                    + " successors killed with " + atKill + " rows left; the next relay finished it in order");
            relay.stop();
        } finally {
            relay.close();
        }
    }

    private static boolean sleep(long millis) {
        Await.sleep(millis);
        return true;
    }

    private static void raiseMaxMessageBytes(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "1048588"),
                            AlterConfigOp.OpType.SET)))).all().get(60, TimeUnit.SECONDS);
        }
    }
}

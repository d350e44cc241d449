package dev.postbox.fault;

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
import dev.postbox.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link RelayKillTest}'s faults on MariaDB 10.11: the relay (binlog reader) runs in a JVM of its own and is killed
 * with SIGKILL right after the first events of a large transaction reached Kafka, several times, while a producer
 * keeps committing; the next relay process resumes from the binlog position the killed one had flushed.
 *
 * <p>Asserted: the verdict (every committed event arrived at least once, every effect exactly once). <b>Not asserted
 * here</b>: the exact bound on duplicates that
 * {@link RelayKillTest} checks on PostgreSQL ("only events past the flushed offset are re-sent"): it compares each
 * row's {@code xmin} with the flushed offset's {@code txId}; MariaDB rows carry no transaction id, and mapping the
 * flushed binlog position ({@code file}/{@code pos}) to outbox rows needs the binlog position of each outbox
 * transaction. The duplicates and the flushed positions are reported.
 */
class RelayKillOnMariaDbTest {

    private static final String SCENARIO = "relay kill -9 (MariaDB)";

    @Test
    void relayKilledMidBatchRepeatedlyLosesNothingAndAppliesEveryEffectOnce() {
        int kills = Scale.pick(3, 10);
        int burstSize = Scale.pick(300, 1000);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = FaultDatabase.createMariaDb("kill9");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of("message.timestamp.type", "LogAppendTime"));
        Map<String, String> config = new HashMap<>(Relays.config(db, bootstrap));
        config.put("postbox.relay.heartbeat-interval", "0");
        Random random = new Random(7);
        List<String> perKill = new ArrayList<>();

        try (InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(20))) {
            ForkedRelay relay = ForkedRelay.start(config, db.name() + "-relay-1");
            try {
                Await.until("relay process 1 reading the binlog", () -> Relays.slotActive(db));
                producer.produceContinuously(true);
                for (int k = 1; k <= kills; k++) {
                    long before = consumer.records();
                    Await.until("relay process " + k + " delivering", () -> consumer.records() > before + 20);
                    List<UUID> burst = producer.burst(burstSize);
                    Await.until("the first events of kill " + k + "'s transaction in Kafka",
                            () -> consumer.seenCount(burst) > 0);
                    relay.kill();
                    perKill.add("kill " + k + ": " + consumer.records() + " records in Kafka, "
                            + consumer.seenCount(burst) + " of the " + burstSize + "-event transaction; flushed "
                            + flushed(db));
                    Await.sleep(random.nextInt(1000)); // down for a while; the producer keeps committing
                    relay = ForkedRelay.start(config, db.name() + "-relay-" + (k + 1));
                }
                long before = consumer.records();
                Await.until("the last relay delivering", () -> consumer.records() > before + 50);
                producer.produceContinuously(false);
                Verdict.check(SCENARIO, db, consumer, kills + " kills (duplicate bound not checked on MariaDB); "
                        + String.join("; ", perKill));
                relay.stop();
            } finally {
                relay.close();
            }
        }
    }

    /** The binlog position the relay last flushed to {@code postbox_relay_offset}, as stored (for the report). */
    private static String flushed(FaultDatabase db) {
        List<String> offsets = new ArrayList<>();
        db.query("SELECT offset_val FROM postbox_relay_offset", rs -> offsets.add(String.valueOf(rs.getString(1))));
        return offsets.isEmpty() ? "nothing yet" : String.join(", ", offsets);
    }
}

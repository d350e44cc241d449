package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

/**
 * A real broker becomes unreachable and comes back: its own single-node cluster advertises a loopback TCP proxy,
 * which the test cuts (every connection dropped, new ones refused) and restores. Shutting the broker node down and
 * starting it again with KafkaClusterTestKit 4.1.1 does not work for this: its listeners use pre-bound sockets,
 * so a fixed client port cannot be kept across the restart.
 */
class KafkaOutageTest {

    @Test
    void backlogDrainsAfterTheBrokerReturnsAndNothingIsParked() throws Exception {
        try (TcpProxy proxy = new TcpProxy(); KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                // clients are told to connect through the proxy
                .setPerServerProperties(Map.of(0, Map.of("advertised.listeners", "EXTERNAL://localhost:" + proxy.port())))
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "1")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            BrokerServer broker = cluster.brokers().values().iterator().next();
            proxy.forwardTo(broker.boundPort(new org.apache.kafka.common.network.ListenerName("EXTERNAL")));
            String bootstrap = "localhost:" + proxy.port();

            PostgresServer.Database db = database("outage");
            String topic = db.name() + ".Payment";
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)))
                        .all().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (OutboxRelay relay = relay(db).kafka(bootstrap)
                    .topicPattern(db.name() + ".${aggregatetype}")
                    // notice the outage in about three seconds rather than fifteen
                    .kafkaProducerProperty("delivery.timeout.ms", "3000")
                    .kafkaProducerProperty("request.timeout.ms", "1000")
                    .kafkaProducerProperty("max.block.ms", "1000")
                    .build()) {
                relay.start();
                awaitState(relay, RelayStatus.State.ACTIVE);
                for (int seq = 1; seq <= 10; seq++) {
                    for (int a = 0; a < 10; a++) {
                        insert(db, "Payment", "a-" + a, seq);
                    }
                }
                await("first 100 events relayed", () -> relay.status().eventsRelayed() == 100);

                proxy.cut(); // the broker is unreachable from now on
                insertMany(db, "Payment", 10, 50, 20); // seq 1..50 again per aggregate: told apart by phase below
                await("outage noticed", () -> relay.status().sinkOutage());
                assertThat(relay.parkedEvents().count()).as("nothing parked during an outage").isZero();
                assertThat(relay.status().eventsRelayed()).isEqualTo(100);
                long retriesAtNotice = relay.status().retries();
                await("still retrying", () -> relay.status().retries() >= retriesAtNotice + 5);
                assertThat(relay.parkedEvents().count()).isZero();
                long retriesDuringOutage = relay.status().retries();

                proxy.restore();
                await("backlog drained", () -> relay.status().eventsRelayed() >= 600);
                await("outage over", () -> !relay.status().sinkOutage());
                assertThat(relay.parkedEvents().count()).isZero();
                System.out.printf("Kafka outage: %d retries while the broker was down, %d events relayed in all%n",
                        retriesDuringOutage, relay.status().eventsRelayed());

                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                try (KafkaConsumer<String, String> consumer = consumer(bootstrap, topic)) {
                    consume(consumer, 600, records);
                    drain(consumer, Duration.ofMillis(300), records);
                }
                // phase 1: seq 1..10 per aggregate, then phase 2: seq 1..50; split at the second "seq 1"
                for (int a = 0; a < 10; a++) {
                    String key = "a-" + a;
                    List<Integer> seqs = records.stream().filter(r -> r.key().equals(key)).map(RelayTestSupport::seq)
                            .toList();
                    List<Integer> distinctRun = new ArrayList<>();
                    for (int s : seqs) {
                        if (distinctRun.isEmpty() || s != distinctRun.get(distinctRun.size() - 1)) {
                            distinctRun.add(s);
                        }
                    }
                    List<Integer> expected = new ArrayList<>();
                    for (int s = 1; s <= 10; s++) {
                        expected.add(s);
                    }
                    for (int s = 1; s <= 50; s++) {
                        expected.add(s);
                    }
                    assertThat(distinctRun).as("order of " + key).isEqualTo(expected);
                }
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }
}

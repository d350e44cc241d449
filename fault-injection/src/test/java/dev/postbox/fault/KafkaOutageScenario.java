package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.relay.OutboxRelay;
import dev.postbox.relay.RelayStatus;
import dev.postbox.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker becomes unreachable and comes back, several times, while the producer keeps committing. The
 * broker is a real single-node cluster that advertises a loopback TCP proxy; cutting the proxy drops every
 * connection and refuses new ones (what a dead broker or a partition looks like to the relay and to the consumer).
 * Kafka's 4.1.1 test kit cannot restart a broker on the same port, hence the proxy.
 */
abstract class KafkaOutageScenario {

    /** A fresh scenario database on the product of the subclass. */
    abstract FaultDatabase database(String prefix);


    private static final String SCENARIO = "Kafka unreachable and back";
    /** Events that must flow between faults. */
    private static final int FLOW = Scale.pick(40, 150);

    @Test
    void brokerUnreachableAndBackRepeatedlyLosesNothingAndParksNothing() throws Exception {
        int outages = Scale.pick(2, 5);
        try (TcpProxy proxy = new TcpProxy(); KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                        .setPerServerProperties(Map.of(0, Map.of("advertised.listeners",
                                "EXTERNAL://localhost:" + proxy.port())))
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            BrokerServer broker = cluster.brokers().values().iterator().next();
            proxy.forwardTo(broker.boundPort(new ListenerName("EXTERNAL")));
            String bootstrap = "localhost:" + proxy.port();

            FaultDatabase db = database("kafka_outage");
            String topic = Relays.topic(db, "Order");
            Relays.createTopic(bootstrap, topic, 3, Map.of());
            long totalRetries = 0;
            try (OutboxRelay relay = Relays.builder(db, bootstrap)
                            // notice the outage within seconds
                            .kafkaProducerProperty("delivery.timeout.ms", "3000")
                            .kafkaProducerProperty("request.timeout.ms", "1000")
                            .kafkaProducerProperty("max.block.ms", "1000")
                            .build();
                    InboxRuntime inbox = Consumers.inbox(db, Map.of());
                    InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                            InboxConsumer.Mode.PROCESS, 4);
                    Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(15))) {
                relay.start();
                Await.until("relay ACTIVE", () -> relay.status().state() == RelayStatus.State.ACTIVE);
                producer.produceContinuously(true);
                for (int i = 1; i <= outages; i++) {
                    long before = consumer.records();
                    Await.until("events flowing before outage " + i, () -> consumer.records() > before + FLOW);
                    proxy.cut();
                    long committedAtCut = producer.committedEvents();
                    Await.until("the relay noticing outage " + i, () -> relay.status().sinkOutage(),
                            () -> relay.status().toString());
                    Await.until("events piling up during outage " + i,
                            () -> producer.committedEvents() > committedAtCut + 2 * FLOW);
                    assertThat(relay.parkedEvents().count()).as("events parked during an outage").isZero();
                    proxy.restore();
                    Await.until("the relay noticing the broker is back", () -> !relay.status().sinkOutage(),
                            () -> relay.status().toString());
                }
                long before = consumer.records();
                Await.until("events flowing after the last outage", () -> consumer.records() > before + FLOW);
                producer.produceContinuously(false);
                totalRetries = relay.status().retries();
                Verdict.check(db.scenario(SCENARIO), db, consumer, outages + " outages, " + totalRetries
                        + " delivery retries, 0 parked");
                assertThat(relay.parkedEvents().count()).isZero();
            }
        }
    }
}

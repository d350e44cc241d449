package dev.postbox.testkit;

import java.util.logging.Logger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this JVM (KRaft, one combined broker+controller node, Kafka's own test kit from Maven
 * Central). Its advertised listeners are {@code localhost}, so every client talks over loopback; note that the test
 * kit pre-binds its two ports on the wildcard address (Kafka's {@code PreboundSocketFactoryManager}, not
 * configurable), so run it on machines whose firewall keeps random high ports closed. Modules that use it declare
 * {@code org.apache.kafka:kafka-test-common-runtime} with test scope.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KafkaBroker.class.getName());
    private static KafkaBroker shared;

    private final KafkaClusterTestKit cluster;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** One broker for the whole JVM, stopped by a shutdown hook. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "postbox-testkit-kafka-stop"));
        }
        return shared;
    }

    /** Starts a new single-node cluster; ready when this returns (about two seconds). */
    public static KafkaBroker start() {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            LOG.info(() -> "Kafka started on " + cluster.bootstrapServers());
            return new KafkaBroker(cluster);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start the in-process Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The underlying test kit, for tests that need to stop or inspect nodes. */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warning("Kafka did not stop cleanly: " + e);
        }
    }
}

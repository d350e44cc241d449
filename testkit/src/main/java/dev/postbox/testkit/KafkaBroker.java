package dev.postbox.testkit;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this JVM (KRaft, one combined broker+controller node, Kafka's own test kit from Maven
 * Central). Its listeners (broker and controller) are bound to 127.0.0.1 only and advertised as {@code localhost},
 * so nothing outside the machine can reach it. Modules that use it declare
 * {@code org.apache.kafka:kafka-test-common-runtime} with test scope.
 *
 * <p>Why the binding takes reflection: the test kit pre-binds each listener's port itself, on the wildcard address
 * ({@code PreboundSocketFactoryManager.getOrCreatePortForListener} opens {@code new InetSocketAddress(0)}), and
 * offers no setting for it; a {@code listeners} property would only add ports, the pre-bound ones stay open. It
 * does reuse a socket already in its map, so {@link #start()} puts loopback sockets there first (Kafka 4.1.1, the
 * pinned version; a changed test kit fails start-up with a message saying so, never binds the wildcard silently).
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

    /**
     * Kafka ends its process through {@code Exit.exit}/{@code Exit.halt} on faults it deems fatal (a failed log
     * directory, a controller fault), also while shutting down in a JVM shutdown hook; in a test JVM that turns a
     * finished, green test run into a fork with a non-zero exit status ("Error occurred in starting fork"). The
     * in-process broker logs such a request instead: a broker broken during a test still fails that test.
     */
    private static void keepTheTestJvm() {
        org.apache.kafka.common.utils.Exit.Procedure refuse = (status, message) -> LOG.severe(() -> "in-process Kafka "
                + "asked to end the JVM with status " + status + (message == null ? "" : " (" + message + ")")
                + "; not done in the test kit");
        org.apache.kafka.common.utils.Exit.setExitProcedure(refuse);
        org.apache.kafka.common.utils.Exit.setHaltProcedure(refuse);
    }

    /** Starts a new single-node cluster; ready when this returns (about two seconds). */
    public static KafkaBroker start() {
        keepTheTestJvm();
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            bindToLoopback(builder, nodes);
            KafkaClusterTestKit cluster = builder
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

    /**
     * Puts a socket bound to 127.0.0.1 (any free port) into the test kit's pre-bound socket map for every listener
     * of every node, so the kit takes these instead of binding the wildcard address.
     */
    private static void bindToLoopback(KafkaClusterTestKit.Builder builder, TestKitNodes nodes) throws Exception {
        Map<Integer, Map<String, ServerSocketChannel>> sockets;
        try {
            Object manager = field(builder.getClass(), "socketFactoryManager").get(builder);
            @SuppressWarnings("unchecked")
            Map<Integer, Map<String, ServerSocketChannel>> map = (Map<Integer, Map<String, ServerSocketChannel>>)
                    field(manager.getClass(), "sockets").get(manager);
            sockets = map;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot bind the in-process Kafka to 127.0.0.1: Kafka's test kit "
                    + "(kafka-test-common-runtime) no longer has KafkaClusterTestKit.Builder.socketFactoryManager"
                    + ".sockets; it was written for 4.1.1, see KafkaBroker's comment", e);
        }
        Map<Integer, String[]> listeners = new HashMap<>();
        nodes.brokerNodes().keySet().forEach(id -> listeners.merge(id,
                new String[] {nodes.brokerListenerName().value()}, KafkaBroker::concat));
        nodes.controllerNodes().keySet().forEach(id -> listeners.merge(id,
                new String[] {nodes.controllerListenerName().value()}, KafkaBroker::concat));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (Map.Entry<Integer, String[]> node : listeners.entrySet()) {
            Map<String, ServerSocketChannel> ofNode = sockets.computeIfAbsent(node.getKey(), id -> new HashMap<>());
            for (String listener : node.getValue()) {
                // as Kafka's ServerSocketFactory opens them (its acceptor needs non-blocking): only the address differs
                ServerSocketChannel channel = ServerSocketChannel.open();
                channel.configureBlocking(false);
                channel.socket().setReuseAddress(true);
                channel.bind(new InetSocketAddress(loopback, 0));
                ofNode.put(listener, channel);
            }
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
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

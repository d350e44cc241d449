package dev.postbox.relay.internal;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether Debezium's binlog connector streams: its streaming metrics MBean
 * ({@code debezium.mariadb:type=connector-metrics,context=streaming,server=<slot>}) says {@code Connected}. The
 * connector fixes its start position while it reads the schema, after the task started; a row committed before that
 * is not relayed with {@code snapshot.mode=no_data} (as a row committed before a PostgreSQL slot exists).
 */
final class StreamingProbe {

    private static final Logger LOG = Logger.getLogger(StreamingProbe.class.getName());
    private static final long GIVE_UP_MS = 120_000;

    private StreamingProbe() {
    }

    /** Waits until the connector of {@code slotName} streams, {@code stop} says so, or two minutes passed. */
    static void awaitConnected(String slotName, BooleanSupplier stop) {
        long deadline = System.currentTimeMillis() + GIVE_UP_MS;
        while (!stop.getAsBoolean() && System.currentTimeMillis() < deadline) {
            if (connected(slotName)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!stop.getAsBoolean()) {
            LOG.log(Level.WARNING, "Could not tell whether the binlog connector of relay " + slotName + " streams (no "
                    + "Debezium streaming metrics within " + GIVE_UP_MS / 1000 + " s); reporting it ACTIVE");
        }
    }

    static boolean connected(String slotName) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName(
                    "debezium.mariadb:type=connector-metrics,context=streaming,server=" + slotName + ",*"), null);
            for (ObjectName name : names) {
                if (Boolean.TRUE.equals(server.getAttribute(name, "Connected"))) {
                    return true;
                }
            }
        } catch (Exception e) {
            // not registered yet
        }
        return false;
    }
}

package dev.postbox.fault.support;

import dev.postbox.relay.OutboxRelay;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Relay configuration for a scenario's database, and the few database/Kafka look-ups the scenarios need. */
public final class Relays {

    private Relays() {
    }

    /**
     * The relay's keys for this database and broker: slot and publication named after the (unique) database, topic
     * {@code <database>.<aggregatetype>}, production defaults otherwise except quicker retries and restarts.
     *
     * @param bootstrap Kafka bootstrap servers, or null for another sink
     */
    public static Map<String, String> config(FaultDatabase db, String bootstrap) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("postbox.relay.jdbc-url", db.db.jdbcUrl());
        c.put("postbox.relay.user", db.db.user());
        c.put("postbox.relay.password", db.db.password());
        c.put("postbox.relay.slot-name", db.name());
        c.put("postbox.relay.publication-name", "pub_" + db.name());
        if (bootstrap != null) {
            c.put("postbox.relay.kafka.bootstrap-servers", bootstrap);
        }
        c.put("postbox.relay.topic-pattern", db.name() + ".${aggregatetype}");
        c.put("postbox.relay.offset-flush-interval", "1s");
        c.put("postbox.relay.standby-retry-interval", "500ms");
        c.put("postbox.relay.backoff.initial-delay", "100ms");
        c.put("postbox.relay.backoff.max-delay", "2s");
        if (db.isMariaDb()) {
            // the test server has no TLS; Debezium's binlog client otherwise tries it
            c.put("postbox.relay.debezium.database.ssl.mode", "disable");
        }
        return c;
    }

    public static OutboxRelay.Builder builder(FaultDatabase db, String bootstrap) {
        return OutboxRelay.builder().configure(config(db, bootstrap));
    }

    public static String topic(FaultDatabase db, String aggregateType) {
        return db.name() + "." + aggregateType;
    }

    /** Creates a topic (before the relay writes to it, so its settings are ours rather than the broker's). */
    public static void createTopic(String bootstrap, String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create topic " + topic, e);
        }
    }

    /**
     * True while a walsender streams the scenario's slot; on MariaDB, while a binlog reader streams (a
     * {@code Binlog Dump} thread: the scenarios of one JVM run one after the other, so it is the scenario's relay).
     */
    public static boolean slotActive(FaultDatabase db) {
        if (db.isMariaDb()) {
            return db.count("SELECT count(*) FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
                    >= 1;
        }
        return db.count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + db.name()
                + "' AND active") == 1;
    }

    /** The process id of the walsender streaming the scenario's slot, or 0. */
    public static long walsenderPid(FaultDatabase db) {
        return db.count("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '"
                + db.name() + "'");
    }
}

package dev.postbox.relay.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every configuration key of the relay, declared once with its default and meaning. MicroProfile Config (CDI)
 * and {@code OutboxRelay.builder().configure(map)} (plain Java) both read these keys; the README table is checked
 * against this list by a test.
 */
public final class RelaySettings {

    public static final String PREFIX = "postbox.relay.";

    /** One key: full name, default (null = none), description. */
    public record Key(String name, String defaultValue, String description) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Key> ALL = new ArrayList<>();

    public static final Key ENABLED = key("enabled", "true",
            "Start the relay with the application (CDI). false: no engine, no lock, nothing read.");
    public static final Key JDBC_URL = key("jdbc-url", null,
            "JDBC URL of the PostgreSQL database holding the outbox, e.g. jdbc:postgresql://db:5432/app. "
                    + "Alternatively set host, port and database.");
    public static final Key HOST = key("host", null, "Database host, when jdbc-url is not set.");
    public static final Key PORT = key("port", "5432", "Database port, when jdbc-url is not set.");
    public static final Key DATABASE = key("database", null, "Database name, when jdbc-url is not set.");
    public static final Key USER = key("user", null,
            "Database user: needs the REPLICATION attribute and ownership of the outbox table (to create the "
                    + "publication), or a publication created beforehand.");
    public static final Key PASSWORD = key("password", null, "Database password (never logged).");
    public static final Key SLOT_NAME = key("slot-name", "postbox_relay",
            "Logical replication slot; also the relay's identity (advisory lock, offsets, dead letters, "
                    + "heartbeat row). One active relay per slot across all instances.");
    public static final Key PUBLICATION_NAME = key("publication-name", "postbox_relay",
            "Publication created (filtered to the outbox and heartbeat tables) or reused.");
    public static final Key OUTBOX_TABLE = key("outbox-table", "public.outbox_event",
            "Outbox table, optionally schema-qualified (default schema public).");
    public static final Key OFFSET_TABLE = key("offset-table", "postbox_relay_offset",
            "Table of Debezium offsets (JdbcOffsetBackingStore); rows are per slot, so relays can share it.");
    public static final Key PARKED_TABLE = key("parked-table", "postbox_relay_parked",
            "Dead-letter table: parked (poison) events and the events waiting behind them.");
    public static final Key HEARTBEAT_TABLE = key("heartbeat-table", "postbox_relay_heartbeat",
            "Table the heartbeat query writes to (in the publication, ignored by routing).");
    public static final Key SNAPSHOT_MODE = key("snapshot-mode", "no_data",
            "Debezium snapshot.mode: no_data (stream only changes from the slot's creation on), initial "
                    + "(first publish every row already in the outbox) or when_needed.");
    public static final Key SINK = key("sink", "kafka",
            "Where events go: kafka, webhook or cdi (a CDI event carrying the RelayEvent, in this application).");
    public static final Key KAFKA_BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers", null,
            "Kafka bootstrap servers (sink=kafka).");
    public static final Key KAFKA_PRODUCER = key("kafka.producer.*", null,
            "Any Kafka producer property, passed through, e.g. postbox.relay.kafka.producer.compression.type=lz4 "
                    + "or security settings. Overrides the relay's defaults (acks=all, idempotence, timeouts).");
    public static final Key TOPIC_PATTERN = key("topic-pattern", "outbox.event.${aggregatetype}",
            "Kafka topic per event; ${aggregatetype} (or ${routedByValue}, as in Debezium's EventRouter) is "
                    + "replaced by the aggregate type.");
    public static final Key WEBHOOK_URL = key("webhook.url", null, "Endpoint events are POSTed to (sink=webhook).");
    public static final Key WEBHOOK_SECRET = key("webhook.secret", null,
            "Standard Webhooks secret (whsec_... or Base64) used to sign webhook-signature (never logged).");
    public static final Key WEBHOOK_TIMEOUT = key("webhook.timeout", "10s",
            "Time allowed for one webhook request before it counts as a retryable failure.");
    public static final Key MAX_ATTEMPTS = key("max-attempts", "5",
            "Delivery attempts (the first included) before a failing event is parked, provided other events "
                    + "were delivered meanwhile (otherwise it is a sink outage: retried, never parked).");
    public static final Key BACKOFF_INITIAL = key("backoff.initial-delay", "500ms", "Delay before the first retry.");
    public static final Key BACKOFF_MAX = key("backoff.max-delay", "30s",
            "Cap of the retry delay (also the longest pause between attempts during an outage).");
    public static final Key BACKOFF_FACTOR = key("backoff.factor", "2.0", "Growth of the delay per retry.");
    public static final Key BACKOFF_JITTER = key("backoff.jitter", "0.2", "Random spread of each delay (0.2 = 20%).");
    public static final Key POLL_INTERVAL = key("poll-interval", "10ms",
            "Debezium poll.interval.ms: how long the engine waits for more changes before handing a batch over. "
                    + "Small = low latency (about 10-20 ms commit-to-send); larger = fewer, bigger batches and "
                    + "a little less CPU when idle. Debezium's own default is 500ms.");
    public static final Key MAX_BATCH_SIZE = key("max-batch-size", "2048", "Debezium max.batch.size.");
    public static final Key MAX_IN_FLIGHT = key("max-in-flight", "10000",
            "Events read but not yet acknowledged or parked that the relay holds in memory (while a poison "
                    + "event is retried or the sink is down); reading from the log pauses beyond it.");
    public static final Key OFFSET_FLUSH_INTERVAL = key("offset-flush-interval", "1s",
            "How often acknowledged positions are written to the offset table and confirmed to the slot. "
                    + "Shorter = fewer duplicates after a crash, more small writes.");
    public static final Key HEARTBEAT_INTERVAL = key("heartbeat-interval", "10s",
            "Debezium heartbeat.interval.ms; each heartbeat also upserts the heartbeat table so the slot "
                    + "advances (and WAL is freed) on an idle outbox. 0 disables.");
    public static final Key STANDBY_RETRY_INTERVAL = key("standby-retry-interval", "5s",
            "How often a standby instance tries to take the lock, the active one checks its lock connection "
                    + "and picks up replay requests, and a failed relay restarts.");
    public static final Key MAX_LAG_BYTES = key("health.max-lag-bytes", "0",
            "Readiness turns DOWN when the slot holds more WAL than this (bytes); 0 = lag reported only.");
    public static final Key DEBEZIUM = key("debezium.*", null,
            "Any Debezium engine or connector property, passed through as is (e.g. "
                    + "postbox.relay.debezium.database.sslmode=require). Overrides the relay's settings: use with care.");

    private RelaySettings() {
    }

    private static Key key(String suffix, String defaultValue, String description) {
        Key key = new Key(PREFIX + suffix, defaultValue, description);
        ALL.add(key);
        return key;
    }

    /** All keys in declaration order. */
    public static List<Key> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The prefix of a pass-through key such as {@code postbox.relay.kafka.producer.}. */
    public static String passThroughPrefix(Key key) {
        return key.name().substring(0, key.name().length() - 1);
    }
}

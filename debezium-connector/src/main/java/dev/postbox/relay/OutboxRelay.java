package dev.postbox.relay;

import dev.postbox.common.Backoff;
import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelayConfig;
import dev.postbox.relay.internal.RelaySettings;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Publishes the rows of the outbox table to a sink, at least once and in order per aggregate, by reading the
 * PostgreSQL log through an embedded Debezium engine.
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder()
 *         .jdbc("jdbc:postgresql://db:5432/app", "app", secret)
 *         .kafka("kafka:9092")
 *         .build();
 * relay.start();   // returns at once; the relay becomes ACTIVE, or STANDBY if another instance holds the slot
 * ...
 * relay.stop();    // flushes acknowledged positions, releases the slot for another instance
 * }</pre>
 *
 * In a CDI application the relay is started and stopped with the application and configured with MicroProfile
 * Config keys {@code postbox.relay.*} (see the README); inject {@code OutboxRelay} or {@code ParkedEvents} there.
 */
public interface OutboxRelay extends AutoCloseable {

    /** Starts the relay in the background; idempotent. */
    void start();

    /**
     * Stops the relay: no new sends, acknowledged positions flushed, lock released (a standby instance takes over).
     * Events sent but not yet acknowledged are sent again by the next relay (at least once).
     */
    void stop();

    /** Same as {@link #stop()}. */
    @Override
    default void close() {
        stop();
    }

    RelayStatus status();

    /** The dead-letter table of this relay's slot. */
    ParkedEvents parkedEvents();

    /**
     * Bytes of WAL the replication slot retains ({@code pg_current_wal_lsn() - confirmed_flush_lsn}), or -1 when
     * the slot does not exist yet or the database is unreachable. Queries the database.
     */
    long slotLagBytes();

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a relay from configuration keys ({@link #configure}) and/or the typed setters; each setter writes the
     * key of the same name, so the README's configuration table applies to both.
     */
    final class Builder {
        private final Map<String, String> raw = new LinkedHashMap<>();
        private RelaySink sink;

        private Builder() {
        }

        /** Applies configuration keys {@code postbox.relay.*}; other keys are ignored. */
        public Builder configure(Map<String, String> properties) {
            properties.forEach((k, v) -> {
                if (k.startsWith(RelaySettings.PREFIX)) {
                    raw.put(k, v);
                }
            });
            return this;
        }

        public Builder configure(Properties properties) {
            properties.stringPropertyNames().forEach(k -> {
                if (k.startsWith(RelaySettings.PREFIX)) {
                    raw.put(k, properties.getProperty(k));
                }
            });
            return this;
        }

        /** Sets one key, e.g. {@code set("postbox.relay.max-attempts", "3")}. */
        public Builder set(String key, String value) {
            raw.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        public Builder jdbc(String url, String user, String password) {
            set(RelaySettings.JDBC_URL.name(), url);
            set(RelaySettings.USER.name(), user);
            return set(RelaySettings.PASSWORD.name(), password);
        }

        public Builder slotName(String slotName) {
            return set(RelaySettings.SLOT_NAME.name(), slotName);
        }

        public Builder publicationName(String publicationName) {
            return set(RelaySettings.PUBLICATION_NAME.name(), publicationName);
        }

        public Builder outboxTable(String table) {
            return set(RelaySettings.OUTBOX_TABLE.name(), table);
        }

        /** Delivers to Kafka ({@code sink=kafka}). */
        public Builder kafka(String bootstrapServers) {
            set(RelaySettings.SINK.name(), "kafka");
            return set(RelaySettings.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers);
        }

        /** A Kafka producer property, overriding the relay's defaults. */
        public Builder kafkaProducerProperty(String name, String value) {
            return set(RelaySettings.passThroughPrefix(RelaySettings.KAFKA_PRODUCER) + name, value);
        }

        /** Delivers to an HTTP endpoint signed with Standard Webhooks ({@code sink=webhook}). */
        public Builder webhook(URI url, String secret) {
            set(RelaySettings.SINK.name(), "webhook");
            set(RelaySettings.WEBHOOK_URL.name(), url.toString());
            return set(RelaySettings.WEBHOOK_SECRET.name(), secret);
        }

        /** Delivers to your own sink; the {@code sink} key is then ignored. */
        public Builder sink(RelaySink sink) {
            this.sink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        public Builder topicPattern(String pattern) {
            return set(RelaySettings.TOPIC_PATTERN.name(), pattern);
        }

        public Builder maxAttempts(int maxAttempts) {
            return set(RelaySettings.MAX_ATTEMPTS.name(), Integer.toString(maxAttempts));
        }

        public Builder backoff(Backoff backoff) {
            set(RelaySettings.BACKOFF_INITIAL.name(), millis(backoff.initialDelay()));
            set(RelaySettings.BACKOFF_MAX.name(), millis(backoff.maxDelay()));
            set(RelaySettings.BACKOFF_FACTOR.name(), Double.toString(backoff.factor()));
            return set(RelaySettings.BACKOFF_JITTER.name(), Double.toString(backoff.jitter()));
        }

        public Builder pollInterval(Duration interval) {
            return set(RelaySettings.POLL_INTERVAL.name(), millis(interval));
        }

        public Builder offsetFlushInterval(Duration interval) {
            return set(RelaySettings.OFFSET_FLUSH_INTERVAL.name(), millis(interval));
        }

        public Builder heartbeatInterval(Duration interval) {
            return set(RelaySettings.HEARTBEAT_INTERVAL.name(), millis(interval));
        }

        public Builder standbyRetryInterval(Duration interval) {
            return set(RelaySettings.STANDBY_RETRY_INTERVAL.name(), millis(interval));
        }

        public Builder snapshotMode(String mode) {
            return set(RelaySettings.SNAPSHOT_MODE.name(), mode);
        }

        /** A Debezium engine or connector property, passed through as is. */
        public Builder debeziumProperty(String name, String value) {
            return set(RelaySettings.passThroughPrefix(RelaySettings.DEBEZIUM) + name, value);
        }

        /**
         * Validates the configuration and creates the relay (not started).
         *
         * @throws dev.postbox.common.PostboxConfigurationException naming the offending key
         */
        public OutboxRelay build() {
            RelayConfig config = RelayConfig.parse(raw, sink != null);
            return new DefaultOutboxRelay(config, sink);
        }

        private static String millis(Duration d) {
            return d.toMillis() + "ms";
        }
    }
}

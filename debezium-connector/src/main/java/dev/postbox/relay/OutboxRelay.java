package dev.postbox.relay;

import dev.postbox.common.Backoff;
import dev.postbox.relay.internal.DefaultOutboxRelay;
import dev.postbox.relay.internal.RelayDraft;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * This instance's last hour, oldest first: events relayed and slot lag, sampled every
     * {@code postbox.relay.sample-interval} (10 s by default) while the relay runs. Kept in memory only.
     */
    default List<RelaySample> history() {
        return List.of();
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a relay from typed values and/or configuration keys ({@link #configure}, the MicroProfile Config /
     * properties way in). A typed value wins over the key of the same meaning (see the README's key table), whatever
     * the order of the calls. Everything is checked once, in {@link #build()}.
     */
    final class Builder {
        private final RelayDraft draft = new RelayDraft();

        private Builder() {
        }

        /**
         * Applies configuration keys: {@code postbox.relay.*} and {@code postbox.outbox.table} are read, other keys
         * are ignored; unknown {@code postbox.relay.*} keys fail {@link #build()}.
         */
        public Builder configure(Map<String, String> properties) {
            draft.keys(properties);
            return this;
        }

        /** Same as {@link #configure(Map)}. */
        public Builder configure(Properties properties) {
            Map<String, String> values = new LinkedHashMap<>();
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
            return configure(values);
        }

        // ---- database

        /** The PostgreSQL database holding the outbox: {@code jdbc:postgresql://host[:port]/database[?parameters]}. */
        public Builder jdbc(String url, String user, String password) {
            draft.jdbc(Objects.requireNonNull(url, "url"), Objects.requireNonNull(user, "user"), password);
            return this;
        }

        /** The replication slot, also the relay's identity (lock, offsets, dead letters). */
        public Builder slotName(String slotName) {
            draft.slotName(Objects.requireNonNull(slotName, "slotName"));
            return this;
        }

        public Builder publicationName(String publicationName) {
            draft.publicationName(Objects.requireNonNull(publicationName, "publicationName"));
            return this;
        }

        /** Overrides {@code postbox.outbox.table} (default {@code outbox_event}) for the relay. */
        public Builder outboxTable(String table) {
            draft.outboxTable(Objects.requireNonNull(table, "table"));
            return this;
        }

        // ---- sink: one of Kafka, webhook, your own (the CDI event sink is chosen by key in a CDI application)

        /** Delivers to Kafka. */
        public Builder kafka(String bootstrapServers) {
            draft.kafka(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
            return this;
        }

        /** A Kafka producer property, overriding the relay's defaults. */
        public Builder kafkaProducerProperty(String name, String value) {
            draft.kafkaProducerProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The Kafka topic of each event; contains {@code ${aggregatetype}}. */
        public Builder topicPattern(String pattern) {
            draft.topicPattern(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        /** Delivers to an HTTP endpoint signed with Standard Webhooks. */
        public Builder webhook(URI url, String secret) {
            draft.webhook(Objects.requireNonNull(url, "url"), Objects.requireNonNull(secret, "secret"));
            return this;
        }

        /** Delivers to your own sink (closed when the relay stops). */
        public Builder sink(RelaySink sink) {
            draft.sink(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        // ---- retries

        /** Delivery attempts, the first included, before a failing event may be parked. */
        public Builder maxAttempts(int maxAttempts) {
            draft.maxAttempts(maxAttempts);
            return this;
        }

        public Builder backoff(Backoff backoff) {
            draft.backoff(Objects.requireNonNull(backoff, "backoff"));
            return this;
        }

        // ---- intervals

        public Builder pollInterval(Duration interval) {
            draft.pollInterval(Objects.requireNonNull(interval, "interval"));
            return this;
        }

        public Builder offsetFlushInterval(Duration interval) {
            draft.offsetFlushInterval(Objects.requireNonNull(interval, "interval"));
            return this;
        }

        /** Zero disables heartbeats. */
        public Builder heartbeatInterval(Duration interval) {
            draft.heartbeatInterval(Objects.requireNonNull(interval, "interval"));
            return this;
        }

        public Builder standbyRetryInterval(Duration interval) {
            draft.standbyRetryInterval(Objects.requireNonNull(interval, "interval"));
            return this;
        }

        // ---- engine

        /** Debezium snapshot.mode: {@code no_data}, {@code initial} or {@code when_needed}. */
        public Builder snapshotMode(String mode) {
            draft.snapshotMode(Objects.requireNonNull(mode, "mode"));
            return this;
        }

        /** A Debezium engine or connector property, passed through as is. */
        public Builder debeziumProperty(String name, String value) {
            draft.debeziumProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Validates the configuration and creates the relay (not started).
         *
         * @throws dev.postbox.common.PostboxConfigurationException naming the offending key
         */
        public OutboxRelay build() {
            return new DefaultOutboxRelay(draft.build());
        }
    }
}

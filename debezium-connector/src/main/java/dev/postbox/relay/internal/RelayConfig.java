package dev.postbox.relay.internal;

import dev.postbox.common.Backoff;
import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.StandardWebhooks;
import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.relay.RelaySink;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * The relay's configuration, typed and grouped: where the database is, what the relay's objects are called, where
 * events go (one of a closed set of sinks), how failures are retried, how often things happen, and the engine's
 * limits. Each group checks its own values when it is made, whether they came from the typed builder or from keys
 * ({@link RelayDraft} reads keys); a problem is a {@link PostboxConfigurationException} naming the key.
 *
 * @param maxLagBytes readiness turns DOWN beyond this slot lag; 0 = reported only
 */
public record RelayConfig(Connection connection, Names names, SinkConfig sink, Retries retries, Intervals intervals,
        Engine engine, long maxLagBytes) {

    public RelayConfig {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(intervals, "intervals");
        Objects.requireNonNull(engine, "engine");
        if (maxLagBytes < 0) {
            throw new PostboxConfigurationException(RelayKeys.MAX_LAG_BYTES.name(), maxLagBytes, "must not be negative");
        }
    }

    /** The same configuration delivering to another sink (the CDI layer supplies the CDI event sink this way). */
    public RelayConfig withSink(SinkConfig other) {
        return new RelayConfig(connection, names, other, retries, intervals, engine, maxLagBytes);
    }

    public String slotName() {
        return names.slotName();
    }

    @Override
    public String toString() {
        // never print the password or the webhook secret
        return "RelayConfig[slot=" + names.slotName() + ", publication=" + names.publicationName() + ", outbox="
                + names.qualifiedOutboxTable() + ", database=" + connection + ", sink=" + sink.kind() + "]";
    }

    /** The database holding the outbox (PostgreSQL, or MariaDB for a {@code jdbc:mariadb:} URL). */
    public record Connection(String jdbcUrl, String host, int port, String database, String user, String password) {

        public Connection {
            if (user == null || user.isBlank()) {
                throw new PostboxConfigurationException(RelayKeys.USER.name(), user, "must be set: the relay's database user");
            }
        }

        /** From a JDBC URL {@code jdbc:postgresql://host[:port]/database[?parameters]} or {@code jdbc:mariadb:...}. */
        public static Connection of(String jdbcUrl, String user, String password) {
            Matcher m = jdbcUrl == null ? null : RelayKeys.JDBC_URL_FORMAT.matcher(jdbcUrl.trim());
            if (m == null || !m.matches()) {
                throw new PostboxConfigurationException(RelayKeys.JDBC_URL.name(), jdbcUrl, RelayKeys.JDBC_URL_RULE);
            }
            int port = m.group(3) != null ? Integer.parseInt(m.group(3)) : m.group(1).equals("mariadb") ? 3306 : 5432;
            return new Connection(jdbcUrl.trim(), m.group(2), port, m.group(4), user, password);
        }

        /** The SQL dialect of the database, from the URL's scheme (host, port and database alone: PostgreSQL). */
        public Dialect dialect() {
            return jdbcUrl.startsWith("jdbc:mariadb:") ? Dialects.mariadb() : Dialects.postgresql();
        }

        /** Whether the database is MariaDB (binlog connector) rather than PostgreSQL (logical decoding). */
        public boolean isMariaDb() {
            return dialect() == Dialects.mariadb();
        }

        /** The schema an unqualified outbox table is in: PostgreSQL's public, MariaDB's database of the URL. */
        String defaultSchema() {
            return isMariaDb() ? database : "public";
        }

        /** From host, port and database name. */
        public static Connection of(String host, int port, String database, String user, String password) {
            return new Connection("jdbc:postgresql://" + host + ":" + port + "/" + database, host, port, database,
                    user, password);
        }

        @Override
        public String toString() {
            return host + ":" + port + "/" + database; // no password
        }
    }

    /** The relay's identity (slot) and the names of the publication and tables it uses, all in one schema. */
    public record Names(String slotName, String publicationName, String outboxSchema, String outboxTable,
            String offsetTable, String parkedTable, String heartbeatTable, String schemaHistoryTable) {

        public Names {
            if (slotName == null || !RelayKeys.SLOT.matcher(slotName).matches()) {
                throw new PostboxConfigurationException(RelayKeys.SLOT_NAME.name(), slotName, RelayKeys.SLOT_RULE);
            }
            check(RelayKeys.PUBLICATION_NAME.name(), publicationName);
            check(RelayKeys.OUTBOX_TABLE.name(), outboxSchema);
            check(RelayKeys.OUTBOX_TABLE.name(), outboxTable);
            check(RelayKeys.OFFSET_TABLE.name(), offsetTable);
            check(RelayKeys.PARKED_TABLE.name(), parkedTable);
            check(RelayKeys.HEARTBEAT_TABLE.name(), heartbeatTable);
            check(RelayKeys.SCHEMA_HISTORY_TABLE.name(), schemaHistoryTable);
        }

        /** {@code table} or {@code schema.table} (default schema public), already checked by the key's type. */
        static String[] splitOutboxTable(String qualified) {
            return splitOutboxTable(qualified, "public");
        }

        /** {@code table} or {@code schema.table}, already checked by the key's type. */
        static String[] splitOutboxTable(String qualified, String defaultSchema) {
            int dot = qualified.indexOf('.');
            return dot < 0 ? new String[] {defaultSchema, qualified}
                    : new String[] {qualified.substring(0, dot), qualified.substring(dot + 1)};
        }

        public String qualifiedOutboxTable() {
            return outboxSchema + "." + outboxTable;
        }

        /** One of the relay's tables, in the outbox's schema. */
        public String qualified(String table) {
            return outboxSchema + "." + table;
        }

        private static void check(String key, String name) {
            dev.postbox.common.SqlIdentifiers.require(key, name);
        }
    }

    /** Where events go: a closed set of kinds. */
    public sealed interface SinkConfig permits Kafka, Webhook, Cdi, Custom {
        /** The kind's name, as the {@code sink} key spells it ({@code custom} for a sink object). */
        String kind();
    }

    /** Kafka, routed like Debezium's Outbox Event Router. */
    public record Kafka(String bootstrapServers, Map<String, String> producerProperties, String topicPattern)
            implements SinkConfig {
        public Kafka {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new PostboxConfigurationException(RelayKeys.KAFKA_BOOTSTRAP_SERVERS.name(), bootstrapServers,
                        "must be set when " + RelayKeys.SINK.name() + "=kafka");
            }
            if (topicPattern == null || !RelayKeys.routesByAggregateType(topicPattern)) {
                throw new PostboxConfigurationException(RelayKeys.TOPIC_PATTERN.name(), topicPattern, RelayKeys.TOPIC_RULE);
            }
            producerProperties = Map.copyOf(producerProperties);
        }

        @Override
        public String kind() {
            return "kafka";
        }
    }

    /** An HTTP endpoint, signed with Standard Webhooks headers. */
    public record Webhook(URI url, String secret, Duration timeout) implements SinkConfig {
        public Webhook {
            if (url == null || url.getScheme() == null
                    || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                throw new PostboxConfigurationException(RelayKeys.WEBHOOK_URL.name(), url,
                        "must be an http(s) URL when " + RelayKeys.SINK.name() + "=webhook");
            }
            if (secret == null || secret.isBlank()) {
                throw new PostboxConfigurationException(RelayKeys.WEBHOOK_SECRET.name(), null,
                        "must be set when " + RelayKeys.SINK.name() + "=webhook");
            }
            try {
                StandardWebhooks.withSecrets(secret);
            } catch (IllegalArgumentException e) {
                // the secret is never echoed
                throw new PostboxConfigurationException(RelayKeys.WEBHOOK_SECRET.name(), "****", e.getMessage());
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new PostboxConfigurationException(RelayKeys.WEBHOOK_TIMEOUT.name(), timeout, "must be positive");
            }
        }

        @Override
        public String kind() {
            return "webhook";
        }

        @Override
        public String toString() {
            return "Webhook[url=" + url + ", timeout=" + timeout + "]"; // no secret
        }
    }

    /** A synchronous CDI event per event; the sink object exists only in a CDI application, which supplies it. */
    public record Cdi(RelaySink sink) implements SinkConfig {
        @Override
        public String kind() {
            return "cdi";
        }
    }

    /** A sink object given to {@code OutboxRelay.builder().sink(...)}. */
    public record Custom(RelaySink sink) implements SinkConfig {
        public Custom {
            Objects.requireNonNull(sink, "sink");
        }

        @Override
        public String kind() {
            return "custom";
        }
    }

    /** How failed sends are retried, and when an event is parked ({@link ParkingRule}). */
    public record Retries(int maxAttempts, Backoff backoff) {
        public Retries {
            if (maxAttempts < 1 || maxAttempts > 1000) {
                throw new PostboxConfigurationException(RelayKeys.MAX_ATTEMPTS.name(), maxAttempts,
                        "must be an integer from 1 to 1000");
            }
            Objects.requireNonNull(backoff, "backoff");
        }
    }

    /** How often things happen. */
    public record Intervals(Duration poll, Duration offsetFlush, Duration heartbeat, Duration standbyRetry,
            Duration sample) {
        public Intervals {
            positive(RelayKeys.POLL_INTERVAL.name(), poll, false);
            positive(RelayKeys.OFFSET_FLUSH_INTERVAL.name(), offsetFlush, true);
            positive(RelayKeys.HEARTBEAT_INTERVAL.name(), heartbeat, true);
            positive(RelayKeys.STANDBY_RETRY_INTERVAL.name(), standbyRetry, false);
            positive(RelayKeys.SAMPLE_INTERVAL.name(), sample, false);
        }

        /** With the default sample interval. */
        public Intervals(Duration poll, Duration offsetFlush, Duration heartbeat, Duration standbyRetry) {
            this(poll, offsetFlush, heartbeat, standbyRetry, Duration.ofSeconds(10));
        }

        private static void positive(String key, Duration d, boolean zeroAllowed) {
            if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
                throw new PostboxConfigurationException(key, d, zeroAllowed ? "must not be negative" : "must be positive");
            }
        }
    }

    /** The Debezium engine's settings: snapshot mode, batch sizes, memory bound, pass-through properties. */
    /** @param serverId MariaDB's binlog replica id ({@code database.server.id}); null = derived from the slot name */
    public record Engine(String snapshotMode, int maxBatchSize, int maxInFlight, Map<String, String> debeziumProperties,
            Long serverId) {
        private static final Set<String> SNAPSHOT_MODES = Set.of("no_data", "initial", "when_needed");

        public Engine {
            snapshotMode = snapshotMode == null ? null : snapshotMode.trim().toLowerCase(Locale.ROOT);
            if (!SNAPSHOT_MODES.contains(snapshotMode)) {
                throw new PostboxConfigurationException(RelayKeys.SNAPSHOT_MODE.name(), snapshotMode,
                        "must be one of no_data, initial, when_needed");
            }
            if (maxBatchSize < 1 || maxInFlight < 1) {
                throw new PostboxConfigurationException(maxBatchSize < 1 ? RelayKeys.MAX_BATCH_SIZE.name()
                        : RelayKeys.MAX_IN_FLIGHT.name(), Math.min(maxBatchSize, maxInFlight), "must be positive");
            }
            debeziumProperties = Map.copyOf(debeziumProperties);
        }

        /** The server id, or the default for this slot: the same on every instance of one relay. */
        long serverIdFor(String slotName) {
            return serverId != null ? serverId
                    : 0x5000_0000L + Math.floorMod(("postbox-relay:" + slotName).hashCode(), 0x100_0000);
        }
    }
}

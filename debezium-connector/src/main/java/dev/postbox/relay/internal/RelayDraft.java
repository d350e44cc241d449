package dev.postbox.relay.internal;

import static dev.postbox.relay.internal.RelayKeys.*;

import dev.postbox.common.Backoff;
import dev.postbox.common.internal.config.CommonKeys;
import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.relay.RelaySink;
import dev.postbox.relay.internal.RelayConfig.Cdi;
import dev.postbox.relay.internal.RelayConfig.Connection;
import dev.postbox.relay.internal.RelayConfig.Custom;
import dev.postbox.relay.internal.RelayConfig.Engine;
import dev.postbox.relay.internal.RelayConfig.Intervals;
import dev.postbox.relay.internal.RelayConfig.Kafka;
import dev.postbox.relay.internal.RelayConfig.Names;
import dev.postbox.relay.internal.RelayConfig.Retries;
import dev.postbox.relay.internal.RelayConfig.SinkConfig;
import dev.postbox.relay.internal.RelayConfig.Webhook;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code OutboxRelay.builder()} collects: typed values set by its methods, and configuration keys given to
 * {@code configure(...)}. {@link #build} makes the {@link RelayConfig}: a typed value wins over its key; keys are
 * parsed by the common reader (unknown {@code postbox.relay.*} keys rejected). The CDI layer uses the same class
 * with MicroProfile Config as the source. The outbox table is {@code postbox.outbox.table} unless
 * {@code postbox.relay.outbox-table} (or {@code outboxTable(...)}) says otherwise.
 */
public final class RelayDraft {

    private final Map<String, String> keys = new LinkedHashMap<>();
    private String jdbcUrl;
    private String user;
    private String password;
    private String slotName;
    private String publicationName;
    private String outboxTable;
    /** kafka or webhook, when chosen by a typed method */
    private String sinkKind;
    private RelaySink customSink;
    private String bootstrapServers;
    private final Map<String, String> producerProperties = new LinkedHashMap<>();
    private String topicPattern;
    private URI webhookUrl;
    private String webhookSecret;
    private Integer maxAttempts;
    private Backoff backoff;
    private Duration pollInterval;
    private Duration offsetFlushInterval;
    private Duration heartbeatInterval;
    private Duration standbyRetryInterval;
    private String snapshotMode;
    private final Map<String, String> debeziumProperties = new LinkedHashMap<>();

    /** Adds configuration keys (null values are ignored). */
    public void keys(Map<String, String> values) {
        values.forEach((k, v) -> {
            if (k != null && v != null) {
                keys.put(k, v);
            }
        });
    }

    public void jdbc(String url, String user, String password) {
        this.jdbcUrl = url;
        this.user = user;
        this.password = password;
    }

    public void slotName(String name) {
        this.slotName = name;
    }

    public void publicationName(String name) {
        this.publicationName = name;
    }

    public void outboxTable(String table) {
        this.outboxTable = table;
    }

    public void kafka(String bootstrapServers) {
        this.sinkKind = "kafka";
        this.customSink = null;
        this.bootstrapServers = bootstrapServers;
    }

    public void kafkaProducerProperty(String name, String value) {
        producerProperties.put(name, value);
    }

    public void topicPattern(String pattern) {
        this.topicPattern = pattern;
    }

    public void webhook(URI url, String secret) {
        this.sinkKind = "webhook";
        this.customSink = null;
        this.webhookUrl = url;
        this.webhookSecret = secret;
    }

    public void sink(RelaySink sink) {
        this.customSink = sink;
        this.sinkKind = null;
    }

    public void maxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void backoff(Backoff backoff) {
        this.backoff = backoff;
    }

    public void pollInterval(Duration interval) {
        this.pollInterval = interval;
    }

    public void offsetFlushInterval(Duration interval) {
        this.offsetFlushInterval = interval;
    }

    public void heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
    }

    public void standbyRetryInterval(Duration interval) {
        this.standbyRetryInterval = interval;
    }

    public void snapshotMode(String mode) {
        this.snapshotMode = mode;
    }

    public void debeziumProperty(String name, String value) {
        debeziumProperties.put(name, value);
    }

    /** Validates and makes the configuration; keys come from {@code configure(...)}. */
    public RelayConfig build() {
        return build(ConfigSource.of("OutboxRelay.builder().configure(...)", keys));
    }

    /**
     * Validates and makes the configuration from {@code source} and the typed values.
     *
     * @throws dev.postbox.common.PostboxConfigurationException naming the offending key
     */
    public RelayConfig build(ConfigSource source) {
        ConfigReader r = ConfigReader.of(ALL, source).rejectUnknown();
        String outbox = outboxTable != null ? outboxTable
                : r.find(OUTBOX_TABLE).orElseGet(() -> r.get(CommonKeys.OUTBOX_TABLE));
        Connection connection = connection(r);
        String[] outboxParts = Names.splitOutboxTable(outbox, connection.defaultSchema());
        Names names = new Names(or(slotName, () -> r.get(SLOT_NAME)), or(publicationName, () -> r.get(PUBLICATION_NAME)),
                outboxParts[0], outboxParts[1], r.get(OFFSET_TABLE), r.get(PARKED_TABLE), r.get(HEARTBEAT_TABLE),
                r.get(SCHEMA_HISTORY_TABLE));
        return new RelayConfig(connection, names, sink(r), retries(r),
                new Intervals(or(pollInterval, () -> r.get(POLL_INTERVAL)),
                        or(offsetFlushInterval, () -> r.get(OFFSET_FLUSH_INTERVAL)),
                        or(heartbeatInterval, () -> r.get(HEARTBEAT_INTERVAL)),
                        or(standbyRetryInterval, () -> r.get(STANDBY_RETRY_INTERVAL)), r.get(SAMPLE_INTERVAL)),
                new Engine(or(snapshotMode, () -> r.get(SNAPSHOT_MODE)), r.get(MAX_BATCH_SIZE), r.get(MAX_IN_FLIGHT),
                        merged(r.passThrough(DEBEZIUM), debeziumProperties), r.find(SERVER_ID).orElse(null)),
                r.get(MAX_LAG_BYTES));
    }

    private Connection connection(ConfigReader r) {
        if (jdbcUrl != null) {
            return Connection.of(jdbcUrl, user, password);
        }
        String u = r.find(USER).orElse(null);
        String p = r.find(PASSWORD).orElse(null);
        Optional<String> url = r.find(JDBC_URL);
        if (url.isPresent()) {
            if (u == null) {
                throw r.invalid(USER, "must be set: the relay's database user");
            }
            return Connection.of(url.get(), u, p);
        }
        Optional<String> host = r.find(HOST);
        Optional<String> database = r.find(DATABASE);
        if (host.isEmpty() || database.isEmpty()) {
            throw r.invalid(JDBC_URL, "must be set, or both " + HOST.name() + " and " + DATABASE.name());
        }
        if (u == null) {
            throw r.invalid(USER, "must be set: the relay's database user");
        }
        return Connection.of(host.get(), r.get(PORT), database.get(), u, p);
    }

    private SinkConfig sink(ConfigReader r) {
        String pattern = or(topicPattern, () -> r.get(TOPIC_PATTERN));
        if (customSink != null) {
            return new Custom(customSink);
        }
        String kind = sinkKind != null ? sinkKind : r.get(SINK);
        switch (kind) {
            case "kafka":
                String bootstrap = bootstrapServers != null ? bootstrapServers : r.find(KAFKA_BOOTSTRAP_SERVERS)
                        .orElseThrow(() -> r.invalid(KAFKA_BOOTSTRAP_SERVERS, "must be set when " + SINK.name() + "=kafka"));
                return new Kafka(bootstrap, merged(r.passThrough(KAFKA_PRODUCER), producerProperties), pattern);
            case "webhook":
                URI url = webhookUrl != null ? webhookUrl : r.find(WEBHOOK_URL).map(text -> uri(r, text))
                        .orElseThrow(() -> r.invalid(WEBHOOK_URL, "must be an http(s) URL when " + SINK.name() + "=webhook"));
                String secret = webhookSecret != null ? webhookSecret : r.find(WEBHOOK_SECRET)
                        .orElseThrow(() -> r.invalid(WEBHOOK_SECRET, "must be set when " + SINK.name() + "=webhook"));
                return new Webhook(url, secret, r.get(WEBHOOK_TIMEOUT));
            default:
                return new Cdi(null);
        }
    }

    private static URI uri(ConfigReader r, String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw r.invalid(WEBHOOK_URL, "must be an http(s) URL when " + SINK.name() + "=webhook");
        }
    }

    private Retries retries(ConfigReader r) {
        int attempts = or(maxAttempts, () -> r.get(MAX_ATTEMPTS));
        if (backoff != null) {
            return new Retries(attempts, backoff);
        }
        Duration initial = r.get(BACKOFF_INITIAL);
        Duration max = r.get(BACKOFF_MAX);
        if (max.compareTo(initial) < 0) {
            throw r.invalid(BACKOFF_MAX, "must not be shorter than " + BACKOFF_INITIAL.name() + " (" + initial + ")");
        }
        return new Retries(attempts, new Backoff(initial, max, r.get(BACKOFF_FACTOR), r.get(BACKOFF_JITTER)));
    }

    private static <T> T or(T typed, Supplier<T> fromKeys) {
        return typed != null ? typed : fromKeys.get();
    }

    private static Map<String, String> merged(Map<String, String> fromKeys, Map<String, String> typed) {
        Map<String, String> all = new LinkedHashMap<>(fromKeys);
        all.putAll(typed);
        return all;
    }
}

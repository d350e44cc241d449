package dev.postbox.relay.internal;

import dev.postbox.common.internal.config.CommonKeys;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.KeySet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every configuration key of the relay, declared once with its type, default and meaning. MicroProfile Config (CDI)
 * and {@code OutboxRelay.builder().configure(map)} (plain Java) both read them with the common reader; the README
 * table is checked against {@link #ALL} by a test. The outbox table itself is {@link CommonKeys#OUTBOX_TABLE}
 * ({@code postbox.outbox.table}), which {@link #OUTBOX_TABLE} overrides for the relay.
 */
public final class RelayKeys {

    public static final String PREFIX = "postbox.relay.";

    /**
     * {@code jdbc:postgresql://host[:port]/database[?parameters]} or {@code jdbc:mariadb://...}: the database product,
     * host, port and database are read from it.
     */
    static final Pattern JDBC_URL_FORMAT = Pattern.compile(
            "^jdbc:(postgresql|mariadb)://([^/:?]+)(?::(\\d+))?/([^/?]+)(?:\\?.*)?$");
    static final String JDBC_URL_RULE = "must be jdbc:postgresql://host[:port]/database[?parameters] or "
            + "jdbc:mariadb://host[:port]/database[?parameters]";
    /** PostgreSQL slot names: lower-case letters, digits and underscores, at most 63 characters. */
    static final Pattern SLOT = Pattern.compile("^[a-z0-9_]{1,63}$");
    static final String SLOT_RULE = "must be 1-63 lower-case letters, digits or underscores (a replication slot name)";
    static final String TOPIC_RULE = "must contain ${aggregatetype} (or ${routedByValue}) so each aggregate type gets "
            + "its topic";

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool(PREFIX + "enabled").defaultValue("true")
            .description("Start the relay with the application (CDI). false: no engine, no lock, nothing read.");
    public static final ConfigKey<String> JDBC_URL = ConfigKey.string(PREFIX + "jdbc-url")
            .check(url -> JDBC_URL_FORMAT.matcher(url).matches(), JDBC_URL_RULE)
            .description("JDBC URL of the database holding the outbox, e.g. jdbc:postgresql://db:5432/app or "
                    + "jdbc:mariadb://db:3306/app (MariaDB: see the MariaDB section). Alternatively set host, port and "
                    + "database (PostgreSQL only).");
    public static final ConfigKey<String> HOST = ConfigKey.string(PREFIX + "host")
            .description("Database host, when jdbc-url is not set.");
    public static final ConfigKey<Integer> PORT = ConfigKey.integer(PREFIX + "port", 1, 65535).defaultValue("5432")
            .description("Database port, when jdbc-url is not set.");
    public static final ConfigKey<String> DATABASE = ConfigKey.string(PREFIX + "database")
            .description("Database name, when jdbc-url is not set.");
    public static final ConfigKey<String> USER = ConfigKey.string(PREFIX + "user")
            .description("Database user. PostgreSQL: needs the REPLICATION attribute and ownership of the outbox "
                    + "table (to create the publication), or a publication created beforehand. MariaDB: REPLICATION "
                    + "SLAVE, BINLOG MONITOR, SELECT on the outbox, and write access to the relay's tables.");
    public static final ConfigKey<String> PASSWORD = ConfigKey.string(PREFIX + "password").secret()
            .description("Database password (never logged).");
    public static final ConfigKey<String> SLOT_NAME = ConfigKey.string(PREFIX + "slot-name")
            .check(s -> SLOT.matcher(s).matches(), SLOT_RULE).defaultValue("postbox_relay")
            .description("Logical replication slot (PostgreSQL); also the relay's identity (advisory lock, offsets, "
                    + "dead letters, heartbeat row). One active relay per slot across all instances. MariaDB has no "
                    + "slot: the name is the relay's identity only.");
    public static final ConfigKey<String> PUBLICATION_NAME = ConfigKey.table(PREFIX + "publication-name")
            .defaultValue("postbox_relay")
            .description("Publication created (filtered to the outbox and heartbeat tables) or reused.");
    public static final ConfigKey<String> OUTBOX_TABLE = ConfigKey.qualifiedTable(PREFIX + "outbox-table")
            .description("Overrides postbox.outbox.table (default outbox_event, the table the outbox writes) for "
                    + "the relay; optionally schema-qualified (default schema public).");
    public static final ConfigKey<String> OFFSET_TABLE = ConfigKey.table(PREFIX + "offset-table")
            .defaultValue("postbox_relay_offset")
            .description("Table of Debezium offsets (JdbcOffsetBackingStore); rows are per slot, so relays can "
                    + "share it.");
    public static final ConfigKey<String> PARKED_TABLE = ConfigKey.table(PREFIX + "parked-table")
            .defaultValue("postbox_relay_parked")
            .description("Dead-letter table: parked (poison) events and the events waiting behind them.");
    public static final ConfigKey<String> HEARTBEAT_TABLE = ConfigKey.table(PREFIX + "heartbeat-table")
            .defaultValue("postbox_relay_heartbeat")
            .description("Table the heartbeat query writes to (in the publication, ignored by routing).");
    public static final ConfigKey<String> SCHEMA_HISTORY_TABLE = ConfigKey.table(PREFIX + "schema-history-table")
            .defaultValue("postbox_relay_schema_history")
            .description("MariaDB only: table of Debezium's schema history (JdbcSchemaHistory). One table per relay "
                    + "(slot name): give each relay of a database its own.");
    public static final ConfigKey<Long> SERVER_ID = ConfigKey.longInteger(PREFIX + "server-id", 1, 4_294_967_295L)
            .description("MariaDB only: the server_id the relay uses as a binlog replica (Debezium database.server.id); "
                    + "must differ from every server and replica of the replication topology. Default: 1342177280 + a "
                    + "hash of the slot name (below 1359954496), the same for every instance of one relay.");
    public static final ConfigKey<String> SNAPSHOT_MODE = ConfigKey.choice(PREFIX + "snapshot-mode", "no_data",
            "initial", "when_needed").defaultValue("no_data")
            .description("Debezium snapshot.mode: no_data (stream only changes from the slot's creation on), "
                    + "initial (first publish every row already in the outbox) or when_needed.");
    public static final ConfigKey<String> SINK = ConfigKey.choice(PREFIX + "sink", "kafka", "webhook", "cdi")
            .defaultValue("kafka")
            .description("Where events go: kafka, webhook or cdi (a CDI event carrying the RelayEvent, in this "
                    + "application).");
    public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS = ConfigKey.string(PREFIX + "kafka.bootstrap-servers")
            .description("Kafka bootstrap servers (sink=kafka).");
    public static final ConfigKey<Map<String, String>> KAFKA_PRODUCER = ConfigKey.passThrough(PREFIX + "kafka.producer.*")
            .description("Any Kafka producer property, passed through, e.g. "
                    + "postbox.relay.kafka.producer.compression.type=lz4 or security settings. Overrides the "
                    + "relay's defaults (acks=all, idempotence, timeouts).");
    public static final ConfigKey<String> TOPIC_PATTERN = ConfigKey.string(PREFIX + "topic-pattern")
            .check(RelayKeys::routesByAggregateType, TOPIC_RULE)
            .defaultValue("outbox.event.${aggregatetype}")
            .description("Kafka topic per event; ${aggregatetype} (or ${routedByValue}, as in Debezium's "
                    + "EventRouter) is replaced by the aggregate type.");
    public static final ConfigKey<String> WEBHOOK_URL = ConfigKey.string(PREFIX + "webhook.url")
            .description("Endpoint events are POSTed to (sink=webhook).");
    public static final ConfigKey<String> WEBHOOK_SECRET = ConfigKey.string(PREFIX + "webhook.secret").secret()
            .description("Standard Webhooks secret (whsec_... or Base64) used to sign webhook-signature (never "
                    + "logged).");
    public static final ConfigKey<Duration> WEBHOOK_TIMEOUT = ConfigKey.duration(PREFIX + "webhook.timeout")
            .defaultValue("10s")
            .description("Time allowed for one webhook request before it counts as a retryable failure.");
    public static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.integer(PREFIX + "max-attempts", 1, 1000)
            .defaultValue("5")
            .description("Delivery attempts (the first included) before a failing event is parked, provided other "
                    + "events were delivered meanwhile (otherwise it is a sink outage: retried, never parked).");
    public static final ConfigKey<Duration> BACKOFF_INITIAL = ConfigKey.duration(PREFIX + "backoff.initial-delay")
            .defaultValue("500ms").description("Delay before the first retry.");
    public static final ConfigKey<Duration> BACKOFF_MAX = ConfigKey.duration(PREFIX + "backoff.max-delay")
            .defaultValue("30s")
            .description("Cap of the retry delay (also the longest pause between attempts during an outage).");
    public static final ConfigKey<Double> BACKOFF_FACTOR = ConfigKey.decimal(PREFIX + "backoff.factor", 1.0, 100.0)
            .defaultValue("2.0").description("Growth of the delay per retry.");
    public static final ConfigKey<Double> BACKOFF_JITTER = ConfigKey.decimal(PREFIX + "backoff.jitter", 0.0, 1.0)
            .defaultValue("0.2").description("Random spread of each delay (0.2 = 20%).");
    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration(PREFIX + "poll-interval")
            .defaultValue("10ms")
            .description("Debezium poll.interval.ms: how long the engine waits for more changes before handing a "
                    + "batch over. Small = low latency (about 10-20 ms commit-to-send); larger = fewer, bigger "
                    + "batches and a little less CPU when idle. Debezium's own default is 500ms.");
    public static final ConfigKey<Integer> MAX_BATCH_SIZE = ConfigKey.integer(PREFIX + "max-batch-size", 1, 100_000)
            .defaultValue("2048").description("Debezium max.batch.size.");
    public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.integer(PREFIX + "max-in-flight", 1, 10_000_000)
            .defaultValue("10000")
            .description("Events read but not yet acknowledged or parked that the relay holds in memory (while a "
                    + "poison event is retried or the sink is down); reading from the log pauses beyond it.");
    public static final ConfigKey<Duration> OFFSET_FLUSH_INTERVAL = ConfigKey.durationOrZero(PREFIX
            + "offset-flush-interval").defaultValue("1s")
            .description("How often acknowledged positions are written to the offset table and confirmed to the "
                    + "slot. Shorter = fewer duplicates after a crash, more small writes.");
    public static final ConfigKey<Duration> HEARTBEAT_INTERVAL = ConfigKey.durationOrZero(PREFIX + "heartbeat-interval")
            .defaultValue("10s")
            .description("Debezium heartbeat.interval.ms; each heartbeat also upserts the heartbeat table so the "
                    + "slot advances (and WAL is freed) on an idle outbox. 0 disables.");
    public static final ConfigKey<Duration> STANDBY_RETRY_INTERVAL = ConfigKey.duration(PREFIX
            + "standby-retry-interval").defaultValue("5s")
            .description("How often a standby instance tries to take the lock, the active one checks its lock "
                    + "connection and picks up replay requests, and a failed relay restarts.");
    public static final ConfigKey<Duration> SAMPLE_INTERVAL = ConfigKey.duration(PREFIX + "sample-interval")
            .check(d -> d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofMinutes(10)) <= 0,
                    "must be between 1s and 10m")
            .defaultValue("10s")
            .description("How often the relay samples its throughput and slot lag for the last hour it keeps in "
                    + "memory (OutboxRelay.history(), the console's charts); each sample is one slot-lag query.");
    public static final ConfigKey<Long> MAX_LAG_BYTES = ConfigKey.longInteger(PREFIX + "health.max-lag-bytes", 0,
            Long.MAX_VALUE).defaultValue("0")
            .description("Readiness turns DOWN when the slot holds more WAL than this (bytes); 0 = lag reported only.");
    public static final ConfigKey<Map<String, String>> DEBEZIUM = ConfigKey.passThrough(PREFIX + "debezium.*")
            .description("Any Debezium engine or connector property, passed through as is (e.g. "
                    + "postbox.relay.debezium.database.sslmode=require). Overrides the relay's settings: use with care.");

    /** The relay's keys, in README order; owns every name under {@link #PREFIX}. */
    public static final KeySet ALL = KeySet.of("relay", PREFIX, List.of(ENABLED, JDBC_URL, HOST, PORT, DATABASE, USER,
            PASSWORD, SLOT_NAME, PUBLICATION_NAME, OUTBOX_TABLE, OFFSET_TABLE, PARKED_TABLE, HEARTBEAT_TABLE,
            SCHEMA_HISTORY_TABLE, SERVER_ID, SNAPSHOT_MODE, SINK, KAFKA_BOOTSTRAP_SERVERS, KAFKA_PRODUCER, TOPIC_PATTERN, WEBHOOK_URL, WEBHOOK_SECRET,
            WEBHOOK_TIMEOUT, MAX_ATTEMPTS, BACKOFF_INITIAL, BACKOFF_MAX, BACKOFF_FACTOR, BACKOFF_JITTER, POLL_INTERVAL,
            MAX_BATCH_SIZE, MAX_IN_FLIGHT, OFFSET_FLUSH_INTERVAL, HEARTBEAT_INTERVAL, STANDBY_RETRY_INTERVAL,
            SAMPLE_INTERVAL, MAX_LAG_BYTES, DEBEZIUM));

    private RelayKeys() {
    }

    static boolean routesByAggregateType(String pattern) {
        return pattern.contains("${aggregatetype}") || pattern.contains("${routedByValue}");
    }
}

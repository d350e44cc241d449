package dev.postbox.relay.internal;

import static dev.postbox.relay.internal.RelaySettings.*;

import dev.postbox.common.Backoff;
import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's configuration, parsed and validated from raw string values keyed by {@link RelaySettings}. Every
 * problem is reported as a {@link PostboxConfigurationException} naming the key.
 */
public record RelayConfig(
        String jdbcUrl, String host, int port, String database, String user, String password,
        String slotName, String publicationName, String outboxSchema, String outboxTable,
        String offsetTable, String parkedTable, String heartbeatTable, String snapshotMode,
        String sinkType, String kafkaBootstrapServers, Map<String, String> kafkaProducerProperties,
        String topicPattern, URI webhookUrl, String webhookSecret, Duration webhookTimeout,
        int maxAttempts, Backoff backoff, Duration pollInterval, int maxBatchSize, int maxInFlight,
        Duration offsetFlushInterval, Duration heartbeatInterval, Duration standbyRetryInterval,
        long maxLagBytes, Map<String, String> debeziumProperties) {

    private static final Pattern JDBC_URL_FORMAT = Pattern.compile(
            "^jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^/?]+)(?:\\?.*)?$");
    private static final Set<String> SNAPSHOT_MODES = Set.of("no_data", "initial", "when_needed");
    private static final Set<String> SINKS = Set.of("kafka", "webhook", "cdi", "custom");
    /** PostgreSQL slot names: lower-case letters, digits and underscores, at most 63 characters. */
    private static final Pattern SLOT = Pattern.compile("^[a-z0-9_]{1,63}$");

    @Override
    public String toString() {
        // never print the password or the webhook secret
        return "RelayConfig[slot=" + slotName + ", publication=" + publicationName + ", outbox=" + qualifiedOutboxTable()
                + ", database=" + host + ":" + port + "/" + database + ", sink=" + sinkType + "]";
    }

    public String qualifiedOutboxTable() {
        return outboxSchema + "." + outboxTable;
    }

    /**
     * Parses raw values. Keys not under {@link RelaySettings#PREFIX} are ignored; unknown keys under it are
     * rejected (a typo should not silently fall back to a default).
     *
     * @param customSink true when the caller supplies the sink object itself (the sink key is then ignored)
     */
    public static RelayConfig parse(Map<String, String> raw, boolean customSink) {
        Values v = new Values(raw);
        v.rejectUnknown();

        String jdbcUrl = v.string(JDBC_URL);
        String host;
        int port;
        String database;
        if (jdbcUrl != null) {
            Matcher m = JDBC_URL_FORMAT.matcher(jdbcUrl.trim());
            if (!m.matches()) {
                throw new PostboxConfigurationException(JDBC_URL.name(), jdbcUrl,
                        "expected jdbc:postgresql://host[:port]/database[?parameters]");
            }
            host = m.group(1);
            port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
            database = m.group(3);
        } else {
            host = v.string(HOST);
            database = v.string(DATABASE);
            if (host == null || database == null) {
                throw new PostboxConfigurationException(JDBC_URL.name(), null,
                        "set " + JDBC_URL.name() + ", or both " + HOST.name() + " and " + DATABASE.name());
            }
            port = v.integer(PORT, 1, 65535);
            jdbcUrl = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
        String user = v.string(USER);
        if (user == null) {
            throw new PostboxConfigurationException(USER.name(), null, "a database user is required");
        }
        String password = v.string(PASSWORD);

        String slot = v.string(SLOT_NAME);
        if (!SLOT.matcher(slot).matches()) {
            throw new PostboxConfigurationException(SLOT_NAME.name(), slot,
                    "replication slot names are 1-63 lower-case letters, digits or underscores");
        }
        String publication = SqlIdentifiers.require(PUBLICATION_NAME.name(), v.string(PUBLICATION_NAME));
        String outbox = SqlIdentifiers.requireQualified(OUTBOX_TABLE.name(), v.string(OUTBOX_TABLE));
        int dot = outbox.indexOf('.');
        String outboxSchema = dot < 0 ? "public" : outbox.substring(0, dot);
        String outboxTable = dot < 0 ? outbox : outbox.substring(dot + 1);
        String offsetTable = SqlIdentifiers.require(OFFSET_TABLE.name(), v.string(OFFSET_TABLE));
        String parkedTable = SqlIdentifiers.require(PARKED_TABLE.name(), v.string(PARKED_TABLE));
        String heartbeatTable = SqlIdentifiers.require(HEARTBEAT_TABLE.name(), v.string(HEARTBEAT_TABLE));
        String snapshotMode = v.oneOf(SNAPSHOT_MODE, SNAPSHOT_MODES);

        String sinkType = customSink ? "custom" : v.oneOf(SINK, SINKS);
        if (sinkType.equals("custom") && !customSink) {
            throw new PostboxConfigurationException(SINK.name(), sinkType,
                    "custom sinks are passed to OutboxRelay.builder().sink(...), not configured by name");
        }
        String bootstrap = v.string(KAFKA_BOOTSTRAP_SERVERS);
        if (sinkType.equals("kafka") && bootstrap == null) {
            throw new PostboxConfigurationException(KAFKA_BOOTSTRAP_SERVERS.name(), null,
                    "required when " + SINK.name() + "=kafka");
        }
        String topicPattern = v.string(TOPIC_PATTERN);
        if (!topicPattern.contains("${aggregatetype}") && !topicPattern.contains("${routedByValue}")) {
            throw new PostboxConfigurationException(TOPIC_PATTERN.name(), topicPattern,
                    "must contain ${aggregatetype} (or ${routedByValue}) so each aggregate type gets its topic");
        }
        URI webhookUrl = null;
        String webhookSecret = v.string(WEBHOOK_SECRET);
        if (sinkType.equals("webhook")) {
            String url = v.string(WEBHOOK_URL);
            try {
                webhookUrl = url == null ? null : URI.create(url);
            } catch (IllegalArgumentException e) {
                webhookUrl = null;
            }
            if (webhookUrl == null || webhookUrl.getScheme() == null
                    || !(webhookUrl.getScheme().equals("http") || webhookUrl.getScheme().equals("https"))) {
                throw new PostboxConfigurationException(WEBHOOK_URL.name(), url,
                        "an http(s) URL is required when " + SINK.name() + "=webhook");
            }
            if (webhookSecret == null) {
                throw new PostboxConfigurationException(WEBHOOK_SECRET.name(), null,
                        "required when " + SINK.name() + "=webhook");
            }
            try {
                dev.postbox.common.StandardWebhooks.withSecrets(webhookSecret);
            } catch (IllegalArgumentException e) {
                // do not echo the secret
                throw new PostboxConfigurationException(WEBHOOK_SECRET.name(), "<hidden>", e.getMessage());
            }
        }
        Duration webhookTimeout = v.duration(WEBHOOK_TIMEOUT, false);

        int maxAttempts = v.integer(MAX_ATTEMPTS, 1, 1000);
        Duration initial = v.duration(BACKOFF_INITIAL, false);
        Duration max = v.duration(BACKOFF_MAX, false);
        if (max.compareTo(initial) < 0) {
            throw new PostboxConfigurationException(BACKOFF_MAX.name(), v.string(BACKOFF_MAX),
                    "must not be shorter than " + BACKOFF_INITIAL.name() + " (" + initial + ")");
        }
        double factor = v.decimal(BACKOFF_FACTOR, 1.0, 100.0);
        double jitter = v.decimal(BACKOFF_JITTER, 0.0, 1.0);
        Backoff backoff = new Backoff(initial, max, factor, jitter);

        return new RelayConfig(jdbcUrl, host, port, database, user, password, slot, publication, outboxSchema,
                outboxTable, offsetTable, parkedTable, heartbeatTable, snapshotMode, sinkType, bootstrap,
                v.passThrough(KAFKA_PRODUCER), topicPattern, webhookUrl, webhookSecret, webhookTimeout,
                maxAttempts, backoff, v.duration(POLL_INTERVAL, false), v.integer(MAX_BATCH_SIZE, 1, 100_000),
                v.integer(MAX_IN_FLIGHT, 1, 10_000_000), v.duration(OFFSET_FLUSH_INTERVAL, true),
                v.duration(HEARTBEAT_INTERVAL, true), v.duration(STANDBY_RETRY_INTERVAL, false),
                v.longValue(MAX_LAG_BYTES, 0, Long.MAX_VALUE), v.passThrough(DEBEZIUM));
    }

    /** Parses {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, ISO-8601 ({@code PT10S}) or plain milliseconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = Pattern.compile("^(\\d+)\\s*(ms|s|m|h)?$").matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }

    /** Raw values with defaults and typed, key-naming accessors. */
    private static final class Values {
        private final Map<String, String> raw;

        Values(Map<String, String> raw) {
            this.raw = raw;
        }

        void rejectUnknown() {
            Set<String> known = new java.util.HashSet<>();
            for (Key key : all()) {
                known.add(key.name());
            }
            for (String name : raw.keySet()) {
                if (!name.startsWith(PREFIX) || known.contains(name)
                        || name.startsWith(passThroughPrefix(KAFKA_PRODUCER))
                        || name.startsWith(passThroughPrefix(DEBEZIUM))) {
                    continue;
                }
                // the value is not echoed: a misspelt password key would otherwise print the password
                throw new PostboxConfigurationException(name, "(not shown)",
                        "unknown relay configuration key (see the relay README for the list)");
            }
        }

        String string(Key key) {
            String value = raw.get(key.name());
            if (value == null || value.isBlank()) {
                return key.defaultValue();
            }
            return value.trim();
        }

        int integer(Key key, int min, int max) {
            return (int) longValue(key, min, max);
        }

        long longValue(Key key, long min, long max) {
            String text = string(key);
            long n;
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException | NullPointerException e) {
                throw new PostboxConfigurationException(key.name(), text, "not a whole number");
            }
            if (n < min || n > max) {
                throw new PostboxConfigurationException(key.name(), text, "must be within [" + min + ", " + max + "]");
            }
            return n;
        }

        double decimal(Key key, double min, double max) {
            String text = string(key);
            double d;
            try {
                d = Double.parseDouble(text);
            } catch (NumberFormatException | NullPointerException e) {
                throw new PostboxConfigurationException(key.name(), text, "not a number");
            }
            if (!(d >= min && d <= max)) {
                throw new PostboxConfigurationException(key.name(), text, "must be within [" + min + ", " + max + "]");
            }
            return d;
        }

        Duration duration(Key key, boolean zeroAllowed) {
            String text = string(key);
            Duration d;
            try {
                d = parseDuration(text);
            } catch (DateTimeParseException | NullPointerException | ArithmeticException e) {
                throw new PostboxConfigurationException(key.name(), text,
                        "not a duration: use 500ms, 10s, 5m, 1h, PT10S or plain milliseconds");
            }
            if (d.isNegative() || (!zeroAllowed && d.isZero())) {
                throw new PostboxConfigurationException(key.name(), text,
                        zeroAllowed ? "must not be negative" : "must be positive");
            }
            return d;
        }

        String oneOf(Key key, Set<String> allowed) {
            String text = string(key);
            String lower = text == null ? null : text.toLowerCase(Locale.ROOT);
            if (lower == null || !allowed.contains(lower)) {
                throw new PostboxConfigurationException(key.name(), text, "must be one of " + new java.util.TreeSet<>(allowed));
            }
            return lower;
        }

        Map<String, String> passThrough(Key key) {
            String prefix = passThroughPrefix(key);
            Map<String, String> result = new LinkedHashMap<>();
            raw.forEach((name, value) -> {
                if (name.startsWith(prefix) && name.length() > prefix.length() && value != null) {
                    result.put(name.substring(prefix.length()), value);
                }
            });
            return Map.copyOf(result);
        }
    }
}

package dev.postbox.inbox.internal;

import dev.postbox.common.Backoff;
import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key of the inbox, declared once with its default and meaning, and the values read from a
 * lookup (MicroProfile Config in the container, a map in tests). Invalid values fail start-up with the key named.
 *
 * <p>Per-scope keys override the {@code @Idempotent} attributes of that scope, which override the global keys:
 * {@code postbox.inbox."PaymentListener#on".max-attempts} beats {@code maxAttempts = 3} beats
 * {@code postbox.inbox.max-attempts}.
 */
public final class InboxConfig {

    /** A configuration key: full name, default value (null = none), description. */
    public record Key(String name, String defaultValue, String description) {
        /** The last segment, used after {@code postbox.inbox."<scope>".} for per-scope overrides. */
        public String suffix() {
            return name.substring(PREFIX.length());
        }
    }

    public static final String PREFIX = "postbox.inbox.";
    private static final List<Key> KEYS = new ArrayList<>();

    public static final Key DATASOURCE = key("datasource", "java:comp/DefaultDataSource",
            "JNDI name of the JTA data source holding the inbox table (the application's own database, so the "
                    + "record commits with the business work).");
    public static final Key TABLE = key("table", "postbox_inbox",
            "Inbox table, optionally schema-qualified; must match " + SqlIdentifiers.PATTERN_TEXT + " per part.");
    public static final Key SCHEDULER_ENABLED = key("scheduler.enabled", "true",
            "Whether this instance runs deferred retries, received records and the retention purge.");
    public static final Key POLL_INTERVAL = key("poll-interval", "PT1S",
            "How often the scheduler looks for due retries and expired leases (ISO-8601).");
    public static final Key BATCH_SIZE = key("batch-size", "20",
            "How many due records one poll claims (FOR UPDATE SKIP LOCKED).");
    public static final Key LEASE = key("lease", "PT5M",
            "How long an attempt may run before another worker may take the record over; keep it above the "
                    + "longest handler and the transaction timeout.");
    public static final Key RETENTION = key("retention", "P7D",
            "How long completed records (and their stored results) are kept; longer than the senders' retry "
                    + "window (days for webhook senders).");
    public static final Key PURGE_INTERVAL = key("purge-interval", "PT10M",
            "How often expired completed records are purged.");
    public static final Key PURGE_BATCH_SIZE = key("purge-batch-size", "500",
            "Rows deleted per purge statement; small batches keep locks and WAL bursts short.");
    public static final Key MAX_PAYLOAD_BYTES = key("max-payload-bytes", "1048576",
            "Largest payload (UTF-8 JSON of the arguments or raw body) accepted; larger is rejected before any "
                    + "row is written.");
    public static final Key MAX_ATTEMPTS = key("max-attempts", "5",
            "Attempts per record including the first call (per scope: postbox.inbox.\"<scope>\".max-attempts).");
    public static final Key INITIAL_DELAY = key("initial-delay", "PT1S", "Delay before the first retry.");
    public static final Key MAX_DELAY = key("max-delay", "PT1H", "Upper bound of a retry delay.");
    public static final Key BACKOFF_FACTOR = key("backoff-factor", "2", "Growth of the delay per retry (>= 1).");
    public static final Key JITTER = key("jitter", "0.2", "Relative jitter of retry delays, within [0, 1].");
    public static final Key WEBHOOK_SECRETS = key("webhooks.<name>.secrets", null,
            "Standard Webhooks secrets of receiver <name>, comma-separated (first signs, all verify: rotation).");
    public static final Key WEBHOOK_TOLERANCE = key("webhooks.<name>.tolerance", "PT5M",
            "Accepted clock distance of webhook-timestamp for receiver <name>.");

    private static Key key(String suffix, String defaultValue, String description) {
        Key key = new Key(PREFIX + suffix, defaultValue, description);
        KEYS.add(key);
        return key;
    }

    /** All keys, for documentation. */
    public static List<Key> keys() {
        return List.copyOf(KEYS);
    }

    /** The name of a per-scope override, e.g. {@code postbox.inbox."Payments#on".max-attempts}. */
    public static String scoped(String scope, Key key) {
        return PREFIX + "\"" + scope + "\"." + key.suffix();
    }

    private final Function<String, Optional<String>> lookup;
    private final String datasource;
    private final String table;
    private final boolean schedulerEnabled;
    private final Duration pollInterval;
    private final int batchSize;
    private final Duration lease;
    private final Duration purgeInterval;
    private final int purgeBatchSize;
    private final int maxPayloadBytes;
    private final PolicySpec globalPolicy;

    private InboxConfig(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
        this.datasource = string(DATASOURCE);
        this.table = SqlIdentifiers.requireQualified(TABLE.name(), string(TABLE));
        this.schedulerEnabled = bool(SCHEDULER_ENABLED);
        this.pollInterval = positive(POLL_INTERVAL.name(), duration(POLL_INTERVAL.name(), string(POLL_INTERVAL)));
        this.batchSize = intAtLeast(BATCH_SIZE, 1);
        this.lease = positive(LEASE.name(), duration(LEASE.name(), string(LEASE)));
        this.purgeInterval = positive(PURGE_INTERVAL.name(), duration(PURGE_INTERVAL.name(), string(PURGE_INTERVAL)));
        this.purgeBatchSize = intAtLeast(PURGE_BATCH_SIZE, 1);
        this.maxPayloadBytes = intAtLeast(MAX_PAYLOAD_BYTES, 1);
        PolicySpec global = readSpec(null);
        this.globalPolicy = PolicySpec.BUILT_IN.overriddenBy(global);
        globalPolicy.toPolicy("postbox.inbox.*", new Class<?>[0], new Class<?>[0]); // validates combinations
    }

    /** Reads and validates the configuration. */
    public static InboxConfig from(Function<String, Optional<String>> lookup) {
        return new InboxConfig(lookup);
    }

    /** Defaults only. */
    public static InboxConfig defaults() {
        return from(name -> Optional.empty());
    }

    public String datasource() {
        return datasource;
    }

    public String table() {
        return table;
    }

    public boolean schedulerEnabled() {
        return schedulerEnabled;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration lease() {
        return lease;
    }

    public Duration purgeInterval() {
        return purgeInterval;
    }

    public int purgeBatchSize() {
        return purgeBatchSize;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * The retry policy of a scope: per-scope keys, then the annotation's values, then the global keys.
     *
     * @throws PostboxConfigurationException when a value is invalid (names the key, or the origin)
     */
    public Policy policy(String scope, PolicySpec annotation, Class<?>[] retryOn, Class<?>[] abortOn) {
        PolicySpec merged = globalPolicy.overriddenBy(annotation).overriddenBy(readSpec(scope));
        return merged.toPolicy(scope, retryOn, abortOn);
    }

    /** The webhook secrets of a receiver, or an empty array when none are configured. */
    public String[] webhookSecrets(String name) {
        String keyName = WEBHOOK_SECRETS.name().replace("<name>", name);
        return lookup.apply(keyName)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .toArray(String[]::new))
                .orElse(new String[0]);
    }

    public Duration webhookTolerance(String name) {
        String keyName = WEBHOOK_TOLERANCE.name().replace("<name>", name);
        return duration(keyName, lookup.apply(keyName).orElse(WEBHOOK_TOLERANCE.defaultValue()));
    }

    private PolicySpec readSpec(String scope) {
        Function<Key, String> name = k -> scope == null ? k.name() : scoped(scope, k);
        return new PolicySpec(
                lookup.apply(name.apply(MAX_ATTEMPTS)).map(v -> parseInt(name.apply(MAX_ATTEMPTS), v)).orElse(null),
                lookup.apply(name.apply(INITIAL_DELAY)).map(v -> duration(name.apply(INITIAL_DELAY), v)).orElse(null),
                lookup.apply(name.apply(MAX_DELAY)).map(v -> duration(name.apply(MAX_DELAY), v)).orElse(null),
                lookup.apply(name.apply(BACKOFF_FACTOR)).map(v -> parseDouble(name.apply(BACKOFF_FACTOR), v))
                        .orElse(null),
                lookup.apply(name.apply(JITTER)).map(v -> parseDouble(name.apply(JITTER), v)).orElse(null),
                lookup.apply(name.apply(RETENTION)).map(v -> duration(name.apply(RETENTION), v)).orElse(null),
                scope == null ? "postbox.inbox.*" : PREFIX + "\"" + scope + "\".*");
    }

    private String string(Key key) {
        return lookup.apply(key.name()).map(String::trim).orElse(key.defaultValue());
    }

    private boolean bool(Key key) {
        String value = string(key);
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new PostboxConfigurationException(key.name(), value, "must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private int intAtLeast(Key key, int min) {
        int value = parseInt(key.name(), string(key));
        if (value < min) {
            throw new PostboxConfigurationException(key.name(), value, "must be at least " + min);
        }
        return value;
    }

    static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PostboxConfigurationException(key, value, "must be an integer");
        }
    }

    static double parseDouble(String key, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new PostboxConfigurationException(key, value, "must be a number");
        }
    }

    /** ISO-8601 durations such as PT0.5S, PT10M, P7D. */
    public static Duration duration(String key, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new PostboxConfigurationException(key, value, "must be an ISO-8601 duration such as PT1S or P7D");
        }
    }

    private static Duration positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new PostboxConfigurationException(key, value, "must be positive");
        }
        return value;
    }

    /**
     * Retry options where null means "not set here". {@code origin} names where the values came from, for
     * error messages.
     */
    public record PolicySpec(Integer maxAttempts, Duration initialDelay, Duration maxDelay, Double factor,
            Double jitter, Duration retention, String origin) {

        static final PolicySpec BUILT_IN = new PolicySpec(Integer.parseInt(MAX_ATTEMPTS.defaultValue()),
                Duration.parse(INITIAL_DELAY.defaultValue()), Duration.parse(MAX_DELAY.defaultValue()),
                Double.parseDouble(BACKOFF_FACTOR.defaultValue()), Double.parseDouble(JITTER.defaultValue()),
                Duration.parse(RETENTION.defaultValue()), "built-in defaults");

        public static final PolicySpec UNSET = new PolicySpec(null, null, null, null, null, null, "unset");

        PolicySpec overriddenBy(PolicySpec other) {
            return new PolicySpec(
                    other.maxAttempts != null ? other.maxAttempts : maxAttempts,
                    other.initialDelay != null ? other.initialDelay : initialDelay,
                    other.maxDelay != null ? other.maxDelay : maxDelay,
                    other.factor != null ? other.factor : factor,
                    other.jitter != null ? other.jitter : jitter,
                    other.retention != null ? other.retention : retention,
                    other.origin + " over " + origin);
        }

        Policy toPolicy(String scope, Class<?>[] retryOn, Class<?>[] abortOn) {
            if (maxAttempts < 1) {
                throw new PostboxConfigurationException("max-attempts of scope '" + scope + "' must be at least 1, "
                        + "was " + maxAttempts + " (from " + origin + ")");
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new PostboxConfigurationException("retention of scope '" + scope + "' must be positive, was "
                        + retention + " (from " + origin + ")");
            }
            Backoff backoff;
            try {
                backoff = new Backoff(initialDelay, maxDelay, factor, jitter);
            } catch (IllegalArgumentException e) {
                throw new PostboxConfigurationException("retry backoff of scope '" + scope + "' is invalid: "
                        + e.getMessage() + " (from " + origin + ")");
            }
            return new Policy(maxAttempts, backoff, retention, retryOn, abortOn);
        }
    }
}

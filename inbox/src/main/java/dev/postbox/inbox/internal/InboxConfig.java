package dev.postbox.inbox.internal;

import dev.postbox.common.Backoff;
import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import dev.postbox.common.WebhookScheme;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.KeySet;
import dev.postbox.inbox.internal.breaker.ScopeLimits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key of the inbox, declared once on the common model ({@link ConfigKey}: name, type,
 * default, description), and the values read from a {@link ConfigSource} (MicroProfile Config in the container, a
 * map in tests). Invalid values fail start-up with the key, the value, what is allowed and where it came from;
 * unknown {@code postbox.inbox.*} keys fail too, naming the nearest key.
 *
 * <p>Per-scope keys override the {@code @Idempotent} attributes of that scope, which override the global keys:
 * {@code postbox.inbox."PaymentListener#on".max-attempts} beats {@code maxAttempts = 3} beats
 * {@code postbox.inbox.max-attempts}.
 */
public final class InboxConfig {

    public static final String PREFIX = "postbox.inbox.";

    public static final ConfigKey<String> DATASOURCE = ConfigKey.string(PREFIX + "datasource")
            .defaultValue("java:comp/DefaultDataSource")
            .description("JNDI name of the JTA data source holding the inbox table (the application's own database, "
                    + "so the record commits with the business work).");
    public static final ConfigKey<String> TABLE = ConfigKey.qualifiedTable(PREFIX + "table")
            .defaultValue("postbox_inbox")
            .description("Inbox table, optionally schema-qualified; must match " + SqlIdentifiers.PATTERN_TEXT
                    + " per part.");
    public static final ConfigKey<String> STEPS_TABLE = ConfigKey.qualifiedTable(PREFIX + "steps-table")
            .defaultValue("postbox_inbox_step")
            .description("Table of the recorded steps of inbox records (Steps), optionally schema-qualified; must "
                    + "match " + SqlIdentifiers.PATTERN_TEXT + " per part.");
    public static final ConfigKey<String> BREAKER_TABLE = ConfigKey.qualifiedTable(PREFIX + "breaker-table")
            .defaultValue("postbox_inbox_breaker")
            .description("Table of the scopes' circuit breakers (state shared by every instance), optionally "
                    + "schema-qualified; must match " + SqlIdentifiers.PATTERN_TEXT + " per part.");
    public static final ConfigKey<Boolean> SCHEDULER_ENABLED = ConfigKey.bool(PREFIX + "scheduler.enabled")
            .defaultValue("true")
            .description("Whether this instance runs deferred retries, received records and the retention purge.");
    public static final ConfigKey<Integer> SCHEDULER_CONCURRENCY = ConfigKey.integer(PREFIX
            + "scheduler.concurrency", 1, 64)
            .defaultValue("1")
            .description("How many due records this instance's scheduler runs at once (each loop claims with FOR "
                    + "UPDATE SKIP LOCKED, so loops and instances never share a record); per-scope rate limits "
                    + "still hold. Records are not run in order.");
    public static final ConfigKey<Duration> POLL_INTERVAL = ConfigKey.duration(PREFIX + "poll-interval")
            .defaultValue("PT1S")
            .description("How often the scheduler looks for due retries and expired leases.");
    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer(PREFIX + "batch-size", 1, Integer.MAX_VALUE)
            .defaultValue("20")
            .description("How many due records one poll claims (FOR UPDATE SKIP LOCKED).");
    public static final ConfigKey<Duration> LEASE = ConfigKey.duration(PREFIX + "lease")
            .defaultValue("PT5M")
            .description("How long an attempt may run before another worker may take the record over; keep it "
                    + "above the longest handler and the transaction timeout.");
    public static final ConfigKey<Duration> RETENTION = ConfigKey.duration(PREFIX + "retention")
            .defaultValue("P7D")
            .description("How long completed records (and their stored results) are kept; longer than the senders' "
                    + "retry window (days for webhook senders).");
    public static final ConfigKey<Duration> PURGE_INTERVAL = ConfigKey.duration(PREFIX + "purge-interval")
            .defaultValue("PT10M")
            .description("How often expired completed records are purged.");
    public static final ConfigKey<Integer> PURGE_BATCH_SIZE = ConfigKey.integer(PREFIX + "purge-batch-size", 1,
                    Integer.MAX_VALUE)
            .defaultValue("500")
            .description("Rows deleted per purge statement; small batches keep locks and WAL bursts short.");
    public static final ConfigKey<Integer> MAX_PAYLOAD_BYTES = ConfigKey.integer(PREFIX + "max-payload-bytes", 1,
                    Integer.MAX_VALUE)
            .defaultValue("1048576")
            .description("Largest payload (UTF-8 JSON of the arguments or raw body) accepted; larger is rejected "
                    + "before any row is written.");
    public static final ConfigKey<Duration> MARK_FIRST_DELIVERY_AFTER = ConfigKey.durationOrZero(PREFIX
                    + "first-delivery.mark-after")
            .defaultValue("PT1S")
            .description("A first delivery whose handler still runs after this long has its record committed "
                    + "IN_PROGRESS (attempt 1, under the lease) in a short transaction of its own, so that a hang or "
                    + "a crash of the JVM from then on counts as an attempt; 0 turns it off.");
    public static final ConfigKey<Duration> CLAIM_FIRST_DELIVERIES_AFTER_START = ConfigKey.durationOrZero(PREFIX
                    + "first-delivery.claim-after-start")
            .defaultValue("PT1M")
            .description("For this long after the inbox starts, first deliveries commit their record IN_PROGRESS "
                    + "before the handler runs, so that a message that crashes the JVM at once counts an attempt "
                    + "on each restart and ends DEAD; 0 turns it off.");
    public static final ConfigKey<Boolean> HTTP_KEY_PER_PRINCIPAL = ConfigKey.bool(PREFIX
                    + "http.key-per-principal")
            .defaultValue("true")
            .description("Whether the inbox record of a JAX-RS method called by an authenticated user belongs to "
                    + "that user: the stored key is prefixed with a hash of the principal's name, so two users who "
                    + "send the same Idempotency-Key get two effects and never see each other's answer.");
    public static final ConfigKey<Integer> MAX_ATTEMPTS = ConfigKey.integer(PREFIX + "max-attempts", 1,
                    Integer.MAX_VALUE)
            .defaultValue("5")
            .description("Attempts per record including the first call (per scope: "
                    + "postbox.inbox.\"<scope>\".max-attempts).");
    public static final ConfigKey<Duration> INITIAL_DELAY = ConfigKey.duration(PREFIX + "initial-delay")
            .defaultValue("PT1S").description("Delay before the first retry.");
    public static final ConfigKey<Duration> MAX_DELAY = ConfigKey.duration(PREFIX + "max-delay")
            .defaultValue("PT1H").description("Upper bound of a retry delay.");
    public static final ConfigKey<Double> BACKOFF_FACTOR = ConfigKey.decimal(PREFIX + "backoff-factor", 1,
                    Double.MAX_VALUE)
            .defaultValue("2").description("Growth of the delay per retry (>= 1).");
    public static final ConfigKey<Double> JITTER = ConfigKey.decimal(PREFIX + "jitter", 0, 1)
            .defaultValue("0.2").description("Relative jitter of retry delays, within [0, 1].");
    public static final ConfigKey<Integer> BREAKER_FAILURE_THRESHOLD = ConfigKey.integer(PREFIX
                    + "breaker.failure-threshold", 0, Integer.MAX_VALUE)
            .defaultValue("0")
            .description("Transient failures in a row after which a scope's circuit opens: no attempts for the "
                    + "cool-down, new deliveries deferred, then one probe; 0 turns the breaker off (per scope: "
                    + "postbox.inbox.\"<scope>\".breaker.failure-threshold).");
    public static final ConfigKey<Duration> BREAKER_COOL_DOWN = ConfigKey.duration(PREFIX + "breaker.cool-down")
            .defaultValue("PT30S")
            .description("How long an open circuit waits before its one probe attempt (and again after a failed "
                    + "probe).");
    public static final ConfigKey<Integer> RATE_MAX_CONCURRENT = ConfigKey.integer(PREFIX + "rate.max-concurrent", 0,
                    Integer.MAX_VALUE)
            .defaultValue("0")
            .description("Handler calls of a scope running at once on this instance; more wait (retries stay due, "
                    + "new deliveries are deferred); 0: no limit.");
    public static final ConfigKey<Integer> RATE_MAX_PER_SECOND = ConfigKey.integer(PREFIX + "rate.max-per-second", 0,
                    Integer.MAX_VALUE)
            .defaultValue("0")
            .description("Handler calls of a scope in any one-second window on this instance (a call counts until a "
                    + "second after it ended); more wait "
                    + "(retries stay due, new deliveries are deferred); 0: no limit.");
    public static final ConfigKey<String> WEBHOOK_SCHEME = ConfigKey.choice(PREFIX + "webhooks.<name>.scheme",
                    WebhookScheme.builtInNames().toArray(String[]::new))
            .defaultValue(WebhookScheme.STANDARD_WEBHOOKS)
            .description("How the sender of receiver <name> signs: " + String.join(", ",
                    WebhookScheme.builtInNames()) + " (headers, signed bytes and dedup id per scheme in the inbox "
                    + "README).");
    public static final ConfigKey<List<String>> WEBHOOK_SECRETS = ConfigKey.list(PREFIX + "webhooks.<name>.secrets")
            .secret()
            .description("Secrets of receiver <name> in its scheme's format, comma-separated (all verify: "
                    + "rotation).");
    public static final ConfigKey<Duration> WEBHOOK_TOLERANCE = ConfigKey.duration(PREFIX
                    + "webhooks.<name>.tolerance")
            .defaultValue("PT5M")
            .description("Accepted clock distance of the signed timestamp for receiver <name> (schemes that sign "
                    + "one: standard-webhooks, stripe, slack).");

    /** The retry keys a scope may override: {@code postbox.inbox."<scope>".max-attempts} and so on. */
    private static final List<ConfigKey<?>> SCOPED = List.of(scopedTemplate(MAX_ATTEMPTS),
            scopedTemplate(INITIAL_DELAY), scopedTemplate(MAX_DELAY), scopedTemplate(BACKOFF_FACTOR),
            scopedTemplate(JITTER), scopedTemplate(RETENTION), scopedTemplate(BREAKER_FAILURE_THRESHOLD),
            scopedTemplate(BREAKER_COOL_DOWN), scopedTemplate(RATE_MAX_CONCURRENT),
            scopedTemplate(RATE_MAX_PER_SECOND));

    /** The inbox's keys in README order, plus the per-scope templates (documented in prose). */
    public static final KeySet KEYS = KeySet.of("inbox", PREFIX, List.of(DATASOURCE, TABLE, STEPS_TABLE,
            BREAKER_TABLE, SCHEDULER_ENABLED, SCHEDULER_CONCURRENCY, POLL_INTERVAL, BATCH_SIZE, LEASE, RETENTION, PURGE_INTERVAL, PURGE_BATCH_SIZE,
            MAX_PAYLOAD_BYTES, MARK_FIRST_DELIVERY_AFTER, CLAIM_FIRST_DELIVERIES_AFTER_START,
            HTTP_KEY_PER_PRINCIPAL, MAX_ATTEMPTS, INITIAL_DELAY, MAX_DELAY, BACKOFF_FACTOR, JITTER,
            BREAKER_FAILURE_THRESHOLD, BREAKER_COOL_DOWN, RATE_MAX_CONCURRENT, RATE_MAX_PER_SECOND, WEBHOOK_SCHEME,
            WEBHOOK_SECRETS,
            WEBHOOK_TOLERANCE))
            .alsoAccepting(SCOPED);

    private static <T> ConfigKey<T> scopedTemplate(ConfigKey<T> key) {
        return key.renamed(PREFIX + "\"<scope>\"." + key.name().substring(PREFIX.length()));
    }

    /** A key's per-scope override, e.g. {@code postbox.inbox."Payments#on".max-attempts}. */
    public static <T> ConfigKey<T> scoped(String scope, ConfigKey<T> key) {
        return scopedTemplate(key).resolve(scope);
    }

    private final ConfigReader reader;
    private final String datasource;
    private final String table;
    private final String stepsTable;
    private final String breakerTable;
    private final boolean schedulerEnabled;
    private final int schedulerConcurrency;
    private final Duration pollInterval;
    private final int batchSize;
    private final Duration lease;
    private final Duration purgeInterval;
    private final int purgeBatchSize;
    private final int maxPayloadBytes;
    private final Duration markFirstDeliveryAfter;
    private final Duration claimFirstDeliveriesAfterStart;
    private final boolean httpKeyPerPrincipal;
    private final PolicySpec globalPolicy;
    private final java.util.Optional<dev.postbox.common.internal.dialect.Dialect> dialect;

    private InboxConfig(ConfigSource source) {
        this.reader = ConfigReader.of(KEYS, source).rejectUnknown();
        this.dialect = dev.postbox.common.internal.dialect.Dialects.forced(source);
        this.datasource = reader.get(DATASOURCE);
        this.table = reader.get(TABLE);
        this.stepsTable = reader.get(STEPS_TABLE);
        this.breakerTable = reader.get(BREAKER_TABLE);
        this.schedulerEnabled = reader.get(SCHEDULER_ENABLED);
        this.schedulerConcurrency = reader.get(SCHEDULER_CONCURRENCY);
        this.pollInterval = reader.get(POLL_INTERVAL);
        this.batchSize = reader.get(BATCH_SIZE);
        this.lease = reader.get(LEASE);
        this.purgeInterval = reader.get(PURGE_INTERVAL);
        this.purgeBatchSize = reader.get(PURGE_BATCH_SIZE);
        this.maxPayloadBytes = reader.get(MAX_PAYLOAD_BYTES);
        this.markFirstDeliveryAfter = reader.get(MARK_FIRST_DELIVERY_AFTER);
        this.claimFirstDeliveriesAfterStart = reader.get(CLAIM_FIRST_DELIVERIES_AFTER_START);
        this.httpKeyPerPrincipal = reader.get(HTTP_KEY_PER_PRINCIPAL);
        PolicySpec global = readSpec(null);
        this.globalPolicy = PolicySpec.BUILT_IN.overriddenBy(global);
        globalPolicy.toPolicy("postbox.inbox.*", new Class<?>[0], new Class<?>[0]); // validates combinations
        validateWebhookReceivers();
        validateScopeLimits();
    }

    private static final List<ConfigKey<?>> LIMIT_KEYS = List.of(BREAKER_FAILURE_THRESHOLD, BREAKER_COOL_DOWN,
            RATE_MAX_CONCURRENT, RATE_MAX_PER_SECOND);

    /** Reads the breaker and rate keys, global and per scope, so a wrong value fails start-up, not a delivery. */
    private void validateScopeLimits() {
        for (ConfigKey<?> key : LIMIT_KEYS) {
            reader.get(key);
        }
        String quoted = PREFIX + "\"";
        for (String name : reader.source().names()) {
            int end = name == null || !name.startsWith(quoted) ? -1 : name.indexOf("\".", quoted.length());
            if (end > 0) {
                String scope = name.substring(quoted.length(), end);
                for (ConfigKey<?> key : LIMIT_KEYS) {
                    if (scoped(scope, key).name().equals(name)) {
                        reader.get(scoped(scope, key));
                    }
                }
            }
        }
    }

    /** Reads every receiver's scheme and tolerance now, so a wrong value fails start-up, not the first webhook. */
    private void validateWebhookReceivers() {
        String before = PREFIX + "webhooks.";
        for (String name : reader.source().names()) {
            for (ConfigKey<?> key : List.of(WEBHOOK_SCHEME, WEBHOOK_TOLERANCE)) {
                if (name != null && key.matches(name)) {
                    String after = key.name().substring(key.name().indexOf('>') + 1);
                    reader.get(key.resolve(name.substring(before.length(), name.length() - after.length())));
                }
            }
        }
    }

    /** Reads and validates the configuration, unknown {@code postbox.inbox.*} keys included. */
    public static InboxConfig from(ConfigSource source) {
        return new InboxConfig(source);
    }

    /** Reads and validates the configuration from a lookup (tests; a lookup cannot list unknown keys). */
    public static InboxConfig from(Function<String, Optional<String>> lookup) {
        return from(ConfigSource.of("configuration", lookup));
    }

    /** Defaults only. */
    public static InboxConfig defaults() {
        return from(ConfigSource.of("defaults", name -> Optional.empty()));
    }

    public String datasource() {
        return datasource;
    }

    public String table() {
        return table;
    }

    /** The SQL dialect {@code postbox.dialect} forces; empty: chosen from the data source's metadata. */
    public java.util.Optional<dev.postbox.common.internal.dialect.Dialect> dialect() {
        return dialect;
    }

    public String stepsTable() {
        return stepsTable;
    }

    public String breakerTable() {
        return breakerTable;
    }

    /**
     * The circuit breaker and rate limit of a scope: per-scope keys, then the global ones. Read on first use of
     * the scope; a value set for the scope is validated like its global key.
     */
    public ScopeLimits scopeLimits(String scope) {
        return new ScopeLimits(scope, scopedOrGlobal(scope, BREAKER_FAILURE_THRESHOLD),
                scopedOrGlobal(scope, BREAKER_COOL_DOWN), scopedOrGlobal(scope, RATE_MAX_CONCURRENT),
                scopedOrGlobal(scope, RATE_MAX_PER_SECOND));
    }

    /** A per-scope value when set, else the global key's (or its default). */
    private <T> T scopedOrGlobal(String scope, ConfigKey<T> key) {
        return reader.ifSet(scoped(scope, key)).orElseGet(() -> reader.get(key));
    }

    /** The global retention of completed records ({@code postbox.inbox.retention}). */
    public Duration retention() {
        return globalPolicy.retention();
    }

    public boolean schedulerEnabled() {
        return schedulerEnabled;
    }

    /** How many scheduler loops run due records at once ({@code postbox.inbox.scheduler.concurrency}). */
    public int schedulerConcurrency() {
        return schedulerConcurrency;
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

    /** {@value #PREFIX}{@code first-delivery.mark-after}; zero: off. */
    public Duration markFirstDeliveryAfter() {
        return markFirstDeliveryAfter;
    }

    /** {@value #PREFIX}{@code first-delivery.claim-after-start}; zero: off. */
    public Duration claimFirstDeliveriesAfterStart() {
        return claimFirstDeliveriesAfterStart;
    }

    /** {@value #PREFIX}{@code http.key-per-principal}: HTTP records belong to their authenticated caller. */
    public boolean httpKeyPerPrincipal() {
        return httpKeyPerPrincipal;
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
        return reader.ifSet(WEBHOOK_SECRETS.resolve(name)).map(list -> list.toArray(String[]::new))
                .orElse(new String[0]);
    }

    /** The signature scheme of a receiver ({@code standard-webhooks} unless configured). */
    public WebhookScheme webhookScheme(String name) {
        return WebhookScheme.builtIn(reader.get(WEBHOOK_SCHEME.resolve(name)));
    }

    public Duration webhookTolerance(String name) {
        return reader.get(WEBHOOK_TOLERANCE.resolve(name));
    }

    private PolicySpec readSpec(String scope) {
        return new PolicySpec(
                read(scope, MAX_ATTEMPTS), read(scope, INITIAL_DELAY), read(scope, MAX_DELAY),
                read(scope, BACKOFF_FACTOR), read(scope, JITTER), read(scope, RETENTION),
                scope == null ? "postbox.inbox.*" : PREFIX + "\"" + scope + "\".*");
    }

    /** A value set for the scope (or, for scope null, globally); null when not set there. */
    private <T> T read(String scope, ConfigKey<T> key) {
        return reader.ifSet(scope == null ? key : scoped(scope, key)).orElse(null);
    }

    /**
     * Retry options where null means "not set here". {@code origin} names where the values came from, for
     * error messages.
     */
    public record PolicySpec(Integer maxAttempts, Duration initialDelay, Duration maxDelay, Double factor,
            Double jitter, Duration retention, String origin) {

        static final PolicySpec BUILT_IN = new PolicySpec(builtIn(MAX_ATTEMPTS), builtIn(INITIAL_DELAY),
                builtIn(MAX_DELAY), builtIn(BACKOFF_FACTOR), builtIn(JITTER), builtIn(RETENTION), "built-in defaults");

        public static final PolicySpec UNSET = new PolicySpec(null, null, null, null, null, null, "unset");

        private static <T> T builtIn(ConfigKey<T> key) {
            return key.parse(key.defaultValue());
        }

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

package dev.postbox.console.internal;

import dev.postbox.common.internal.config.CommonKeys;
import dev.postbox.console.PostboxConsole;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.KeySet;
import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.inbox.internal.InboxConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The console's keys ({@code postbox.console.*}), declared once and read through the project's one config model.
 * The tables it reads are those of the modules that write them: {@code postbox.inbox.table},
 * {@code postbox.outbox.table} and {@code postbox.relay.parked-table} (read with their own declarations).
 */
public final class ConsoleConfig {

    public static final String PREFIX = "postbox.console.";

    private static final Pattern PATH = Pattern.compile("^(/[A-Za-z0-9._~-]+)+$");

    public static final ConfigKey<Boolean> ENABLED = ConfigKey.bool(PREFIX + "enabled").defaultValue("true")
            .description("Whether the console is deployed at all; `false` registers nothing (its path answers "
                    + "404).");
    public static final ConfigKey<String> PATH_KEY = ConfigKey.string(PREFIX + "path")
            .check(p -> PATH.matcher(p).matches(), "must be a path such as /postbox (starts with /, no trailing /, "
                    + "letters, digits, . _ ~ - per segment)")
            .defaultValue(PostboxConsole.DEFAULT_PATH)
            .description("Where the console lives in the application (page at `<path>/`, REST API at "
                    + "`<path>/api/`).");
    public static final ConfigKey<String> ROLE = ConfigKey.string(PREFIX + "role").defaultValue(PostboxConsole.DEFAULT_ROLE)
            .description("The role every console request needs (declared by the console; map it to your users' "
                    + "groups as your server does). Unauthenticated: 401, authenticated without it: 403.");
    public static final ConfigKey<String> DATASOURCE = ConfigKey.string(PREFIX + "datasource")
            .description("JNDI name of the data source holding the Postbox tables; unset: that of "
                    + "`postbox.inbox.datasource`.");
    public static final ConfigKey<List<String>> CONSUMER_SCOPES = ConfigKey.list(PREFIX + "consumer-scopes")
            .description("Inbox scopes that consume this application's outbox events keyed by event id (comma "
                    + "separated); an outbox event with a record in one of them shows as `DELIVERED`.");
    public static final ConfigKey<Duration> REFRESH_INTERVAL = ConfigKey.duration(PREFIX + "refresh-interval")
            .defaultValue("5s").description("How often the page refreshes itself (it can be paused).");

    public static final KeySet KEYS = KeySet.of("console", PREFIX, List.of(ENABLED, PATH_KEY, ROLE, DATASOURCE,
            CONSUMER_SCOPES, REFRESH_INTERVAL));

    private static final String RELAY_PARKED_TABLE_DEFAULT = "postbox_relay_parked";

    private final boolean enabled;
    private final String path;
    private final String role;
    private final String datasource;
    private final String datasourceKey;
    private final List<String> consumerScopes;
    private final Duration refreshInterval;
    private final String inboxTable;
    private final String outboxTable;
    private final String parkedTable;
    private final Optional<Dialect> dialect;

    private ConsoleConfig(ConfigSource source) {
        ConfigReader reader = ConfigReader.of(KEYS, source).rejectUnknown();
        this.enabled = reader.get(ENABLED);
        this.path = reader.get(PATH_KEY);
        this.role = reader.get(ROLE).trim();
        this.datasourceKey = reader.find(DATASOURCE).isPresent() ? DATASOURCE.name() : InboxConfig.DATASOURCE.name();
        this.datasource = reader.find(DATASOURCE)
                .orElseGet(() -> ConfigReader.of(InboxConfig.KEYS, source).get(InboxConfig.DATASOURCE));
        this.consumerScopes = reader.find(CONSUMER_SCOPES).orElse(List.of());
        this.refreshInterval = reader.get(REFRESH_INTERVAL);
        this.inboxTable = ConfigReader.of(InboxConfig.KEYS, source).get(InboxConfig.TABLE);
        this.outboxTable = reader.get(CommonKeys.OUTBOX_TABLE);
        this.parkedTable = RelayAccess.parkedTable(source).orElse(RELAY_PARKED_TABLE_DEFAULT);
        this.dialect = Dialects.forced(source);
    }

    public static ConsoleConfig from(ConfigSource source) {
        return new ConsoleConfig(source);
    }

    public boolean enabled() {
        return enabled;
    }

    public String path() {
        return path;
    }

    public String role() {
        return role;
    }

    public String datasource() {
        return datasource;
    }

    /** The key that named {@link #datasource()}, for messages. */
    public String datasourceKey() {
        return datasourceKey;
    }

    public List<String> consumerScopes() {
        return consumerScopes;
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    public String inboxTable() {
        return inboxTable;
    }

    public String outboxTable() {
        return outboxTable;
    }

    public String parkedTable() {
        return parkedTable;
    }

    /** The SQL dialect {@code postbox.dialect} forces, or empty to detect it from the data source. */
    public Optional<Dialect> dialect() {
        return dialect;
    }
}

package dev.postbox.outbox.internal;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import dev.postbox.common.internal.config.CommonKeys;
import dev.postbox.common.internal.config.ConfigKey;
import dev.postbox.common.internal.config.ConfigReader;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.KeySet;
import dev.postbox.common.internal.dialect.Dialects;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key of the outbox, declared once, and the values read from MicroProfile Config (or any
 * {@link ConfigSource}). Values are validated here, once, at start-up; the README table is checked against
 * {@link #KEYS} by a test.
 *
 * @param table outbox table, optionally schema-qualified
 * @param dataSource JNDI name of the JTA data source the business changes use
 * @param deleteAfterInsert delete each row right after inserting it, in the same transaction
 * @param maxPayloadBytes largest serialized payload accepted
 * @param dialect {@code postbox.dialect}: {@code auto} (from the database's metadata) or a dialect's key
 */
public record OutboxSettings(String table, String dataSource, boolean deleteAfterInsert, int maxPayloadBytes,
        String dialect) {

    public static final ConfigKey<String> DATASOURCE = ConfigKey.string("postbox.outbox.datasource")
            .defaultValue("java:comp/DefaultDataSource")
            .description("JNDI name of the JTA data source of your persistence unit. A name bound to something else "
                    + "fails the deployment; a name not bound yet when the application starts is looked up again "
                    + "on first use (Payara binds the data sources an application defines itself, e.g. in web.xml, "
                    + "only after CDI started), and that call fails naming the key if it is still missing.");

    /** Declared in common: the relay reads the same key for the table it streams. */
    public static final ConfigKey<String> TABLE = CommonKeys.OUTBOX_TABLE;

    public static final ConfigKey<Boolean> DELETE_AFTER_INSERT = ConfigKey.bool("postbox.outbox.delete-after-insert")
            .defaultValue("false")
            .description("Delete each row in the same transaction right after inserting it. The write-ahead log "
                    + "still carries the insert for the relay and the table stays small, but it no longer keeps the "
                    + "audit history.");

    public static final ConfigKey<Integer> MAX_PAYLOAD_BYTES = ConfigKey.integer("postbox.outbox.max-payload-bytes",
                    1, Integer.MAX_VALUE)
            .defaultValue("1048576")
            .description("Largest serialized payload (Kafka's default `max.request.size`). Larger payloads fail "
                    + "`publish`.");

    /** The outbox's keys, in README order; unknown {@code postbox.outbox.*} keys fail start-up. */
    public static final KeySet KEYS = KeySet.of("outbox", "postbox.outbox.",
            List.of(DATASOURCE, TABLE, DELETE_AFTER_INSERT, MAX_PAYLOAD_BYTES));

    public OutboxSettings {
        SqlIdentifiers.requireQualified(TABLE.name(), table);
        Dialects.byKey(dialect); // names the key when the value is no dialect
        if (dataSource == null || dataSource.isBlank()) {
            throw new PostboxConfigurationException(DATASOURCE.name(), dataSource, "must name a JNDI data source");
        }
        if (maxPayloadBytes < 1) {
            throw new PostboxConfigurationException(MAX_PAYLOAD_BYTES.name(), maxPayloadBytes,
                    MAX_PAYLOAD_BYTES.allowed());
        }
    }

    /** Settings with the dialect detected from the database ({@code postbox.dialect=auto}). */
    public OutboxSettings(String table, String dataSource, boolean deleteAfterInsert, int maxPayloadBytes) {
        this(table, dataSource, deleteAfterInsert, maxPayloadBytes, Dialects.AUTO);
    }

    public static OutboxSettings defaults() {
        return from(ConfigSource.of("defaults", name -> Optional.empty()));
    }

    /**
     * Reads the settings through a key lookup (tests; no unknown-key check, as a lookup cannot list names).
     *
     * @throws PostboxConfigurationException naming the first invalid key
     */
    public static OutboxSettings from(Function<String, Optional<String>> lookup) {
        return from(ConfigSource.of("configuration", lookup));
    }

    /**
     * Reads the settings, after rejecting unknown {@code postbox.outbox.*} keys.
     *
     * @throws PostboxConfigurationException naming the first invalid or unknown key
     */
    public static OutboxSettings from(ConfigSource source) {
        ConfigReader reader = ConfigReader.of(KEYS, source).rejectUnknown();
        String dialect = ConfigReader.of(Dialects.KEYS, source).get(Dialects.DIALECT);
        return new OutboxSettings(reader.get(TABLE), reader.get(DATASOURCE), reader.get(DELETE_AFTER_INSERT),
                reader.get(MAX_PAYLOAD_BYTES), dialect);
    }
}

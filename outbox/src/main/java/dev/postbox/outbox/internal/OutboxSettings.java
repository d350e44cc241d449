package dev.postbox.outbox.internal;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every configuration key of the outbox, with its default, read from MicroProfile Config (or any key lookup).
 * Values are validated here, once, at start-up.
 *
 * @param table outbox table, optionally schema-qualified
 * @param dataSource JNDI name of the JTA data source the business changes use
 * @param deleteAfterInsert delete each row right after inserting it, in the same transaction
 * @param maxPayloadBytes largest serialized payload accepted
 */
public record OutboxSettings(String table, String dataSource, boolean deleteAfterInsert, int maxPayloadBytes) {

    /** Outbox table name, {@code table} or {@code schema.table}, lower-case identifiers only. */
    public static final String TABLE = "postbox.outbox.table";
    public static final String TABLE_DEFAULT = "outbox_event";

    /**
     * JNDI name of the data source to write to. It must be the JTA data source of the persistence unit whose
     * changes the events belong to, so that the outbox rows share the transaction's connection.
     */
    public static final String DATASOURCE = "postbox.outbox.datasource";
    public static final String DATASOURCE_DEFAULT = "java:comp/DefaultDataSource";

    /**
     * Delete each outbox row in the same transaction right after inserting it. The write-ahead log still carries
     * the insert (what the relay reads) and the table stays empty, but the table no longer keeps an audit
     * history.
     */
    public static final String DELETE_AFTER_INSERT = "postbox.outbox.delete-after-insert";
    public static final boolean DELETE_AFTER_INSERT_DEFAULT = false;

    /** Largest serialized payload, in bytes; the default matches Kafka's default max.request.size. */
    public static final String MAX_PAYLOAD_BYTES = "postbox.outbox.max-payload-bytes";
    public static final int MAX_PAYLOAD_BYTES_DEFAULT = 1_048_576;

    public OutboxSettings {
        SqlIdentifiers.requireQualified(TABLE, table);
        if (dataSource == null || dataSource.isBlank()) {
            throw new PostboxConfigurationException(DATASOURCE, dataSource, "must name a JNDI data source");
        }
        if (maxPayloadBytes < 1) {
            throw new PostboxConfigurationException(MAX_PAYLOAD_BYTES, maxPayloadBytes, "must be positive");
        }
    }

    public static OutboxSettings defaults() {
        return new OutboxSettings(TABLE_DEFAULT, DATASOURCE_DEFAULT, DELETE_AFTER_INSERT_DEFAULT,
                MAX_PAYLOAD_BYTES_DEFAULT);
    }

    /**
     * Reads the settings through a key lookup such as
     * {@code key -> ConfigProvider.getConfig().getOptionalValue(key, String.class)}.
     *
     * @throws PostboxConfigurationException naming the first invalid key
     */
    public static OutboxSettings from(Function<String, Optional<String>> lookup) {
        String table = lookup.apply(TABLE).map(String::trim).orElse(TABLE_DEFAULT);
        String dataSource = lookup.apply(DATASOURCE).map(String::trim).orElse(DATASOURCE_DEFAULT);
        boolean delete = lookup.apply(DELETE_AFTER_INSERT).map(v -> parseBoolean(DELETE_AFTER_INSERT, v))
                .orElse(DELETE_AFTER_INSERT_DEFAULT);
        int max = lookup.apply(MAX_PAYLOAD_BYTES).map(v -> parseInt(MAX_PAYLOAD_BYTES, v))
                .orElse(MAX_PAYLOAD_BYTES_DEFAULT);
        return new OutboxSettings(table, dataSource, delete, max);
    }

    private static boolean parseBoolean(String key, String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new PostboxConfigurationException(key, value, "must be true or false");
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new PostboxConfigurationException(key, value, "must be a whole number");
        }
    }
}

package dev.postbox.common.internal.config;

/**
 * Keys read by more than one module, declared once. The outbox writes {@link #OUTBOX_TABLE}; the relay reads the
 * same table, so it takes this key unless {@code postbox.relay.outbox-table} says otherwise. Each key still
 * belongs to one module's {@link KeySet} (the outbox's here), which alone reports it unknown or documents it.
 */
public final class CommonKeys {

    public static final ConfigKey<String> OUTBOX_TABLE = ConfigKey.qualifiedTable("postbox.outbox.table")
            .defaultValue("outbox_event")
            .description("Outbox table, `table` or `schema.table`; each part must match `^[a-z_][a-z0-9_]{0,62}$`, "
                    + "and not `pg_*` or `information_schema` (checked at deployment).");

    private CommonKeys() {
    }
}

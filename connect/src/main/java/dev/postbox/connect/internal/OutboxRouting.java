package dev.postbox.connect.internal;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.SqlIdentifiers;
import dev.postbox.common.internal.Failures;
import dev.postbox.relay.RelayEvent;
import dev.postbox.relay.internal.ChangeEventMapper;
import dev.postbox.relay.internal.sink.KafkaSink;
import dev.postbox.relay.internal.sink.TopicRouter;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;

/**
 * What {@code PostboxEventRouter} does, on one change record. The event is read by the embedded relay's
 * {@link ChangeEventMapper#mapOutboxChange}, its topic comes from the relay's {@link TopicRouter} and its headers
 * from {@link KafkaSink#headerValues}; key, value and timestamp are set as {@code KafkaSink.send} sets them
 * (aggregate id, payload text, the row's timestamp), as strings for Connect's {@code StringConverter}. The
 * partition is left to the producer, which hashes the key as the relay's producer does.
 */
public final class OutboxRouting {

    private static final Logger LOG = Logger.getLogger(OutboxRouting.class.getName());

    public static final String OUTBOX_TABLE = "outbox-table";
    public static final String TOPIC_PATTERN = "topic-pattern";

    /** Each key once, with its default and meaning; the connect README's table lists the same. */
    public static final ConfigDef CONFIG = new ConfigDef()
            .define(OUTBOX_TABLE, ConfigDef.Type.STRING, "public.outbox_event", ConfigDef.Importance.HIGH,
                    "The outbox table, schema-qualified (default schema public): only its INSERTs become events; "
                            + "changes of other tables, heartbeats, DELETEs, UPDATEs and tombstones are dropped. "
                            + "The embedded relay's postbox.relay.outbox-table / postbox.outbox.table.")
            .define(TOPIC_PATTERN, ConfigDef.Type.STRING, "outbox.event.${aggregatetype}", ConfigDef.Importance.HIGH,
                    "Kafka topic per event; ${aggregatetype} (or ${routedByValue}) is replaced by the aggregate "
                            + "type. The embedded relay's postbox.relay.topic-pattern.");

    private final String schema;
    private final String table;
    private final TopicRouter router;

    OutboxRouting(String schema, String table, String topicPattern) {
        this.schema = schema;
        this.table = table;
        this.router = new TopicRouter(topicPattern);
    }

    public static OutboxRouting configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs);
        String qualified = config.getString(OUTBOX_TABLE);
        try {
            SqlIdentifiers.requireQualified(OUTBOX_TABLE, qualified);
        } catch (PostboxConfigurationException e) {
            throw new ConfigException(OUTBOX_TABLE, qualified, e.problem());
        }
        int dot = qualified.indexOf('.');
        String pattern = config.getString(TOPIC_PATTERN);
        if (pattern == null || pattern.isBlank()) {
            throw new ConfigException(TOPIC_PATTERN, pattern, "must name a topic, e.g. outbox.event.${aggregatetype}");
        }
        return dot < 0 ? new OutboxRouting("public", qualified, pattern)
                : new OutboxRouting(qualified.substring(0, dot), qualified.substring(dot + 1), pattern);
    }

    public <R extends ConnectRecord<R>> R apply(R record) {
        if (!isOutboxChange(record)) {
            return null;
        }
        RelayEvent event;
        try {
            event = ChangeEventMapper.mapOutboxChange(record);
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Skipping an outbox change on " + record.topic() + " (offset "
                    + sourceOffset(record) + ") that cannot be read as an event (the row breaks the outbox table "
                    + "layout): " + Failures.describe(e), e);
            return null;
        }
        if (event == null) {
            return null; // DELETE, UPDATE or tombstone: the INSERT was the event
        }
        ConnectHeaders headers = new ConnectHeaders();
        KafkaSink.headerValues(event).forEach(headers::addString);
        return record.newRecord(router.topic(event), null, Schema.STRING_SCHEMA, event.aggregateId(),
                Schema.OPTIONAL_STRING_SCHEMA, event.payload(), event.timestamp().toEpochMilli(), headers);
    }

    /** A Debezium change envelope whose source is the outbox table. */
    private boolean isOutboxChange(ConnectRecord<?> record) {
        if (!(record.value() instanceof Struct value)) {
            return false; // tombstone
        }
        Field sourceField = value.schema().field("source");
        if (sourceField == null || !(value.get(sourceField) instanceof Struct source)) {
            return false; // a heartbeat or any record that is not a change envelope
        }
        return schema.equals(text(source, "schema")) && table.equals(text(source, "table"));
    }

    private static String text(Struct struct, String name) {
        Field field = struct.schema().field(name);
        Object v = field == null ? null : struct.get(field);
        return v == null ? null : v.toString();
    }

    private static Object sourceOffset(ConnectRecord<?> record) {
        return record instanceof org.apache.kafka.connect.source.SourceRecord s ? s.sourceOffset() : null;
    }

    public static String version() {
        String v = OutboxRouting.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}

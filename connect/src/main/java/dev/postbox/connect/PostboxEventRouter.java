package dev.postbox.connect;

import dev.postbox.connect.internal.OutboxRouting;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;

/**
 * Postbox's relay as a Kafka Connect single message transform: put it on the Debezium PostgreSQL source connector
 * that reads the outbox table, and each INSERT of an outbox row becomes exactly the Kafka record the embedded relay
 * ({@code postbox-debezium}) publishes for it: topic {@code outbox.event.<aggregatetype>} (key
 * {@value OutboxRouting#TOPIC_PATTERN}), key = {@code aggregateid}, value = the payload's JSON text, headers
 * {@code id}, {@code type}, the row's {@code headers} and {@code traceparent}/{@code tracestate}, timestamp = the
 * row's {@code timestamp}. It runs the relay's own mapping code, not a copy.
 *
 * <p>Everything else is dropped, as the embedded relay drops it: DELETEs (delete-after-insert), UPDATEs,
 * tombstones, Debezium heartbeats, and changes of any table other than {@value OutboxRouting#OUTBOX_TABLE}
 * (default {@code public.outbox_event}). A row that cannot be read as an event is logged and dropped, as the relay
 * does.
 *
 * <p>Converters for identical bytes: {@code org.apache.kafka.connect.storage.StringConverter} for the key, the
 * value and the headers (the value is the payload's JSON text; a {@code JsonConverter} would quote it).
 */
public final class PostboxEventRouter<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {

    private OutboxRouting routing;

    @Override
    public void configure(Map<String, ?> configs) {
        routing = OutboxRouting.configure(configs);
    }

    @Override
    public R apply(R record) {
        return routing.apply(record);
    }

    @Override
    public ConfigDef config() {
        return OutboxRouting.CONFIG;
    }

    @Override
    public String version() {
        return OutboxRouting.version();
    }

    @Override
    public void close() {
    }
}

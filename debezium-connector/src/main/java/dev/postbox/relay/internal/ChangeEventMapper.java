package dev.postbox.relay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.postbox.common.internal.Failures;
import dev.postbox.relay.RelayEvent;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a Debezium change record into a {@link RelayEvent}, or null when the record is not an event to relay:
 * heartbeats, changes of the heartbeat table, tombstones, and DELETEs of outbox rows (the outbox may delete
 * each row right after inserting it; the INSERT is the event). Updates of outbox rows are ignored too, as
 * Debezium's EventRouter does.
 *
 * <p>Public for one other user: the Kafka Connect plugin ({@code postbox-connect}'s {@code PostboxEventRouter})
 * maps the same change records with {@link #mapOutboxChange}, so both relays publish the same records.
 */
public final class ChangeEventMapper {

    private static final Logger LOG = Logger.getLogger(ChangeEventMapper.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String outboxTopic;

    /** @param topicPrefix Debezium's topic.prefix; change records of the outbox are on prefix.schema.table */
    ChangeEventMapper(String topicPrefix, String outboxSchema, String outboxTable) {
        this.outboxTopic = topicPrefix + "." + outboxSchema + "." + outboxTable;
    }

    RelayEvent map(SourceRecord record) {
        if (!outboxTopic.equals(record.topic())) {
            return null; // heartbeat record, heartbeat table change, or another table
        }
        return mapOutboxChange(record);
    }

    /**
     * Maps a Debezium change record already known to come from the outbox table: the event of an INSERT (or a
     * snapshot read), null for a tombstone, a DELETE or an UPDATE.
     */
    public static RelayEvent mapOutboxChange(ConnectRecord<?> record) {
        if (!(record.value() instanceof Struct value)) {
            return null; // tombstone
        }
        String op = value.getString("op");
        if (!"c".equals(op) && !"r".equals(op)) {
            if ("u".equals(op)) {
                LOG.log(Level.WARNING, () -> "Ignoring an UPDATE of an outbox row at "
                        + (record instanceof SourceRecord source ? position(source) : record.topic()) + ": outbox rows are insert-only; only INSERTs are relayed");
            }
            return null;
        }
        Struct after = value.getStruct("after");
        Map<String, String> headers = headers(after);
        String traceContext = optionalString(after, "tracingspancontext");
        if (traceContext != null) {
            addTraceParent(traceContext, headers);
        }
        return new RelayEvent(
                UUID.fromString(after.getString("id")),
                after.getString("aggregatetype"),
                after.getString("aggregateid"),
                after.getString("type"),
                optionalString(after, "payload"),
                headers,
                timestamp(after),
                record instanceof SourceRecord source ? position(source) : "");
    }

    private static Map<String, String> headers(Struct after) {
        Map<String, String> headers = new LinkedHashMap<>();
        String json = optionalString(after, "headers");
        if (json == null || json.isBlank()) {
            return headers;
        }
        try {
            JsonNode node = JSON.readTree(json);
            if (node != null && node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode v = e.getValue();
                    if (v == null || v.isNull()) {
                        continue;
                    }
                    // the outbox writes string values; anything else is carried as its JSON text
                    headers.put(e.getKey(), v.isTextual() ? v.textValue() : v.toString());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Outbox row " + after.get("id")
                    + " has a headers column that is not a JSON object; relaying it without headers: " + Failures.describe(e));
        }
        return headers;
    }

    /**
     * The outbox stores W3C trace context in java.util.Properties form (Debezium's tracingspancontext column);
     * carry traceparent/tracestate as headers unless the headers column already has them.
     */
    private static void addTraceParent(String properties, Map<String, String> headers) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(properties));
        } catch (IOException | IllegalArgumentException e) {
            return;
        }
        for (String name : new String[] {"traceparent", "tracestate"}) {
            String v = p.getProperty(name);
            if (v != null && !v.isBlank()) {
                headers.putIfAbsent(name, v);
            }
        }
    }

    private static Instant timestamp(Struct after) {
        Object ts = after.get("timestamp");
        if (ts instanceof String text) {
            return parseTimestamp(text); // io.debezium.time.ZonedTimestamp, ISO-8601
        }
        if (ts instanceof Long micros) {
            return Instant.EPOCH.plusNanos(micros * 1000L);
        }
        return Instant.now();
    }

    /**
     * Parses Debezium's ZonedTimestamp text. The usual UTC shape {@code 2026-11-25T20:12:00.123456Z} is read by hand:
     * {@code OffsetDateTime.parse} was the largest single cost of mapping an event (measured with JFR in the relay
     * benchmark). Anything else goes through the JDK parser.
     */
    static Instant parseTimestamp(String text) {
        int n = text.length();
        if (n >= 20 && text.charAt(n - 1) == 'Z' && text.charAt(4) == '-' && text.charAt(7) == '-'
                && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':') {
            try {
                int nanos = 0;
                if (n > 20) {
                    if (text.charAt(19) != '.' || n - 21 > 9) {
                        return OffsetDateTime.parse(text).toInstant();
                    }
                    int digits = n - 21;
                    nanos = Integer.parseInt(text, 20, n - 1, 10);
                    for (int i = digits; i < 9; i++) {
                        nanos *= 10;
                    }
                }
                java.time.LocalDateTime local = java.time.LocalDateTime.of(
                        Integer.parseInt(text, 0, 4, 10), Integer.parseInt(text, 5, 7, 10),
                        Integer.parseInt(text, 8, 10, 10), Integer.parseInt(text, 11, 13, 10),
                        Integer.parseInt(text, 14, 16, 10), Integer.parseInt(text, 17, 19, 10), nanos);
                return local.toInstant(java.time.ZoneOffset.UTC);
            } catch (RuntimeException e) {
                return OffsetDateTime.parse(text).toInstant();
            }
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static String optionalString(Struct struct, String name) {
        Field field = struct.schema().field(name);
        if (field == null) {
            return null;
        }
        Object v = struct.get(field);
        return v == null ? null : v.toString();
    }

    static String position(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null) {
            return "";
        }
        Object file = offset.get("file");
        if (file != null) {
            return "binlog=" + file + ":" + offset.get("pos") + " row=" + offset.get("row"); // MariaDB
        }
        Object lsn = offset.get("lsn");
        Object tx = offset.get("txId");
        return "lsn=" + (lsn instanceof Long l ? formatLsn(l) : String.valueOf(lsn)) + " txId=" + tx;
    }

    static String formatLsn(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}

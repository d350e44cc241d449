package dev.postbox.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transform on change records shaped as Debezium's PostgreSQL connector makes them (envelope with
 * {@code before}, {@code after}, {@code source}, {@code op}); the records the relay and a worker really produce are
 * compared in {@link ConnectClusterIT}.
 */
class PostboxEventRouterTest {

    static final Schema ROW = SchemaBuilder.struct().name("dbserver.public.outbox_event.Value")
            .field("id", Schema.STRING_SCHEMA)
            .field("aggregatetype", Schema.STRING_SCHEMA)
            .field("aggregateid", Schema.STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("payload", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("timestamp", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
            .field("headers", SchemaBuilder.string().name("io.debezium.data.Json").build())
            .field("tracingspancontext", Schema.OPTIONAL_STRING_SCHEMA)
            .optional().build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("dbserver.public.outbox_event.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private final PostboxEventRouter<SourceRecord> router = new PostboxEventRouter<>();

    @AfterEach
    void close() {
        router.close();
    }

    @Test
    void anInsertBecomesTheRelaysRecord() {
        router.configure(Map.of());
        SourceRecord out = router.apply(change("c", "public", "outbox_event", row(
                "{\"seq\": 1, \"total\": 12.5}", "{\"tenant\": \"t-1\", \"id\": \"spoofed\"}",
                "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\n")));

        assertThat(out.topic()).isEqualTo("outbox.event.Order");
        assertThat(out.kafkaPartition()).isNull(); // the producer hashes the key, as the relay's does
        assertThat(out.timestamp()).isEqualTo(1_764_000_000_123L);
        assertThat(out.sourceOffset()).isEqualTo(Map.of("lsn", 42L)); // Connect commits the position as before
        StringConverter converter = new StringConverter();
        converter.configure(Map.of(), false);
        assertThat(converter.fromConnectData(out.topic(), out.keySchema(), out.key()))
                .isEqualTo("o-1".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(converter.fromConnectData(out.topic(), out.valueSchema(), out.value()),
                StandardCharsets.UTF_8)).isEqualTo("{\"seq\": 1, \"total\": 12.5}"); // the JSON, not a quoted string
        List<String> headers = new ArrayList<>();
        for (Header h : out.headers()) {
            headers.add(h.key() + "=" + new String(converter.fromConnectHeader(out.topic(), h.key(), h.schema(),
                    h.value()), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsExactly("id=6f1c6f0e-8f43-4c53-9d0b-3c3c1d7a5e11", "type=OrderPlaced",
                "tenant=t-1", "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void dropsWhatTheRelayDrops() {
        router.configure(Map.of());
        Struct row = row("{}", "{}", null);
        assertThat(router.apply(change("d", "public", "outbox_event", row))).as("delete-after-insert").isNull();
        assertThat(router.apply(change("u", "public", "outbox_event", row))).as("update").isNull();
        assertThat(router.apply(change("c", "public", "postbox_relay_heartbeat", row))).as("another table").isNull();
        assertThat(router.apply(new SourceRecord(Map.of(), Map.of(), "dbserver.public.outbox_event", null,
                Schema.STRING_SCHEMA, "k", null, null))).as("tombstone").isNull();
        Schema beat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(router.apply(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.dbserver", null,
                null, null, beat, new Struct(beat).put("ts_ms", 1L)))).as("heartbeat").isNull();
    }

    @Test
    void aRowThatBreaksTheLayoutIsDroppedNotFatal() {
        router.configure(Map.of());
        Struct row = row("{}", "{}", null).put("id", "not-a-uuid");
        assertThat(router.apply(change("c", "public", "outbox_event", row))).isNull();
    }

    @Test
    void topicPatternAndTableAreConfigurable() {
        router.configure(Map.of("topic-pattern", "events.${routedByValue}", "outbox-table", "app.outbox_event"));
        assertThat(router.apply(change("c", "public", "outbox_event", row("{}", "{}", null)))).isNull();
        assertThat(router.apply(change("c", "app", "outbox_event", row("{}", "{}", null))).topic())
                .isEqualTo("events.Order");
    }

    @Test
    void badConfigurationNamesTheKey() {
        assertThatThrownBy(() -> router.configure(Map.of("outbox-table", "Outbox-Event")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("outbox-table")
                .hasMessageContaining("Outbox-Event").hasMessageContaining("lower-case SQL identifier");
        assertThatThrownBy(() -> router.configure(Map.of("topic-pattern", " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("topic-pattern");
        assertThat(router.config().names()).containsExactlyInAnyOrder("outbox-table", "topic-pattern");
    }

    static Struct row(String payload, String headers, String trace) {
        return new Struct(ROW).put("id", "6f1c6f0e-8f43-4c53-9d0b-3c3c1d7a5e11").put("aggregatetype", "Order")
                .put("aggregateid", "o-1").put("type", "OrderPlaced").put("payload", payload)
                .put("timestamp", "2025-11-24T16:00:00.123456Z").put("headers", headers)
                .put("tracingspancontext", trace);
    }

    static SourceRecord change(String op, String schema, String table, Struct row) {
        Struct envelope = new Struct(ENVELOPE).put("op", op).put("ts_ms", 1L)
                .put("source", new Struct(SOURCE).put("schema", schema).put("table", table));
        envelope.put("d".equals(op) ? "before" : "after", row);
        return new SourceRecord(Map.of("server", "dbserver"), Map.of("lsn", 42L),
                "dbserver." + schema + "." + table, null, Schema.STRING_SCHEMA, "k", ENVELOPE, envelope);
    }
}

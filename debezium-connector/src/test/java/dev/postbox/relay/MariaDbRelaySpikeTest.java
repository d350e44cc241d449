package dev.postbox.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.common.internal.dialect.Dialect;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.testkit.KafkaBroker;
import dev.postbox.testkit.MariaDbServer;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * SPIKE, not the relay: can Debezium 3.5's MariaDB connector (embedded engine) read Postbox's MariaDB outbox table
 * from the binlog of MariaDB 10.11, with offsets AND schema history in the database (debezium-storage-jdbc), route
 * it with Debezium's EventRouter and get it to Kafka? The engine is wired here by hand; {@code DefaultOutboxRelay}
 * is PostgreSQL-only so far. What this proves and what it needed is in the debezium-connector README ("MariaDB").
 */
class MariaDbRelaySpikeTest {

    @Test
    void anOutboxRowWrittenOnMariaDbArrivesInKafkaThroughDebeziumsMariaDbConnector() throws Exception {
        MariaDbServer server = MariaDbServer.shared();
        var db = server.createDatabase("relay_spike");
        db.execute(statements(Files.readString(Path.of(
                "../outbox/src/main/resources/db/mariadb/postbox/V1_1__postbox_outbox.sql"))));
        String topicPrefix = db.name();
        String topic = db.name() + ".Order";

        Properties p = new Properties();
        p.setProperty("name", db.name());
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("topic.prefix", topicPrefix);
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", db.password());
        p.setProperty("database.server.id", "5401");
        p.setProperty("database.ssl.mode", "disable");
        p.setProperty("database.include.list", db.name());
        p.setProperty("table.include.list", db.name() + ".outbox_event");
        p.setProperty("snapshot.mode", "no_data");
        // Without this the schema snapshot holds a global read lock (FLUSH TABLES WITH READ LOCK) while it writes
        // the schema history into the same server: its own insert waits for its own lock, for ever (seen here).
        // Safe as long as no DDL of the captured tables runs while the connector reads their schema.
        p.setProperty("snapshot.locking.mode", "none");
        // heartbeats make the engine store an offset as soon as it streams: the test waits for that
        p.setProperty("heartbeat.interval.ms", "100");
        p.setProperty("poll.interval.ms", "10");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        // offsets in the database
        p.setProperty("offset.storage", "io.debezium.storage.jdbc.offset.JdbcOffsetBackingStore");
        p.setProperty("offset.storage.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("offset.storage.jdbc.connection.user", db.user());
        p.setProperty("offset.storage.jdbc.connection.password", db.password());
        p.setProperty("offset.storage.jdbc.table.name", "postbox_relay_offsets");
        p.setProperty("offset.flush.interval.ms", "100");
        // schema history in the database; the built-in DDL's VARCHAR(65000) is too long for a MariaDB utf8mb4 row
        p.setProperty("schema.history.internal", "io.debezium.storage.jdbc.history.JdbcSchemaHistory");
        p.setProperty("schema.history.internal.jdbc.connection.url", db.jdbcUrl());
        p.setProperty("schema.history.internal.jdbc.connection.user", db.user());
        p.setProperty("schema.history.internal.jdbc.connection.password", db.password());
        p.setProperty("schema.history.internal.jdbc.table.name", "postbox_relay_schema_history");
        p.setProperty("schema.history.internal.jdbc.table.ddl", "CREATE TABLE %s (id VARCHAR(36) NOT "
                + "NULL, history_data MEDIUMTEXT, history_data_seq INTEGER, record_insert_ts TIMESTAMP NOT NULL, "
                + "record_insert_seq INTEGER NOT NULL, PRIMARY KEY (id, history_data_seq))");
        p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
        // the same routing as the relay's: topic per aggregate type, key = aggregate id, header id = event id
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.route.topic.replacement", db.name() + ".${routedByValue}");
        p.setProperty("transforms.outbox.table.expand.json.payload", "true");
        p.setProperty("transforms.outbox.table.fields.additional.placement", "type:header:type");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("converter.schemas.enable", "false");

        KafkaBroker kafka = KafkaBroker.shared();
        Properties producerProps = new Properties();
        producerProps.put("bootstrap.servers", kafka.bootstrapServers());
        producerProps.put("acks", "all");
        List<String> engineErrors = new ArrayList<>();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer());
                DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class, Json.class, Json.class).using(p)
                        .using((success, message, error) -> {
                            if (!success) {
                                engineErrors.add(message + (error == null ? "" : ": " + error));
                            }
                        })
                        .notifying((records, committer) -> {
                            for (ChangeEvent<String, String> r : records) {
                                if (r.destination().equals(topic)) {
                                    ProducerRecord<String, String> out = new ProducerRecord<>(r.destination(),
                                            r.key(), r.value());
                                    r.headers().forEach(h -> out.headers().add(new RecordHeader(h.getKey(),
                                            String.valueOf(h.getValue()).getBytes(StandardCharsets.UTF_8))));
                                    try {
                                        producer.send(out).get(30, TimeUnit.SECONDS);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                }
                                committer.markProcessed(r);
                            }
                            committer.markBatchFinished();
                        })
                        .build()) {
            executor.execute(engine);
            // the connector streams from the binlog position it finds at start (snapshot.mode=no_data): wait until
            // it stored its first offset (a heartbeat's, while streaming), then write
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline && engineErrors.isEmpty() && !tableHasRows(db, "postbox_relay_offsets")) {
                Thread.sleep(100);
            }
            assertThat(engineErrors).isEmpty();
            assertThat(tableHasRows(db, "postbox_relay_offsets")).as("an offset stored within 90 s").isTrue();

            UUID id = UUID.randomUUID();
            Dialect mariadb = Dialects.mariadb();
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement insert = c.prepareStatement(mariadb.outboxInsert("outbox_event"))) {
                mariadb.bindUuid(insert, 1, id);
                insert.setString(2, "Order");
                insert.setString(3, "o-42");
                insert.setString(4, "OrderPlaced");
                insert.setString(5, "{\"orderId\": \"o-42\", \"total\": 12.5}");
                mariadb.bindTimestamp(insert, 6, Instant.parse("2026-12-02T08:00:00Z"));
                insert.setString(7, "{\"tenant\": \"acme\"}");
                insert.setString(8, null);
                insert.executeUpdate();
            }

            Properties consumerProps = new Properties();
            consumerProps.put("bootstrap.servers", kafka.bootstrapServers());
            consumerProps.put("group.id", "spike-" + db.name());
            consumerProps.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                List<ConsumerRecord<String, String>> received = new ArrayList<>();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (received.isEmpty() && System.nanoTime() < until) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
                assertThat(engineErrors).isEmpty();
                assertThat(received).hasSize(1);
                ConsumerRecord<String, String> record = received.get(0);
                assertThat(record.key()).isEqualTo("\"o-42\"");
                assertThat(record.value()).contains("\"orderId\":\"o-42\"").contains("\"total\":12.5");
                List<String> headers = new ArrayList<>();
                record.headers().forEach(h -> headers.add(h.key() + "=" + new String(h.value(),
                        StandardCharsets.UTF_8)));
                assertThat(headers).as("headers").anySatisfy(h -> assertThat(h).startsWith("id=")
                        .contains(id.toString()));
            }
            // offsets and schema history live in the database
            assertThat(db.queryLong("select count(*) from postbox_relay_schema_history")).isPositive();
            long deadline2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!tableHasRows(db, "postbox_relay_offsets") && System.nanoTime() < deadline2) {
                Thread.sleep(100);
            }
            assertThat(db.queryLong("select count(*) from postbox_relay_offsets")).isPositive();
        } finally {
            executor.shutdown();
            executor.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static boolean tableHasRows(dev.postbox.testkit.TestDatabase db, String table) {
        try {
            return db.queryLong("select count(*) from " + table) > 0;
        } catch (IllegalStateException e) {
            return false; // not created yet
        }
    }

    private static String[] statements(String script) {
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return java.util.Arrays.stream(sql.toString().split(";")).map(String::trim).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
    }
}

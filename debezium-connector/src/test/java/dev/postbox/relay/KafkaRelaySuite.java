package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The relay against a real database and a real Kafka broker: routing, order, rollbacks, deletes. Runs on each
 * database ({@link KafkaRelayTest} PostgreSQL, {@link MariaDbKafkaRelayTest} MariaDB).
 */
abstract class KafkaRelaySuite {

    /** A fresh database with the outbox and relay tables, on the product under test. */
    abstract TestDatabase database(String prefix);

    @Test
    void routesLikeTheOutboxEventRouterAndIgnoresRollbacksAndDeletes() throws Exception {
        TestDatabase db = database("routing");
        try (OutboxRelay relay = kafkaRelay(db).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Order", db.name() + ".Customer")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);

            UUID first = insert(db, "Order", "o-1", "OrderPlaced", "{\"seq\": 1, \"total\": 12.5}",
                    "{\"traceparent\": \"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}");
            // a rolled-back transaction produces nothing
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ("
                        + "'" + UUID.randomUUID() + "', 'Order', 'o-rolled-back', 'OrderPlaced', '{\"seq\": 99}')");
                c.rollback();
            }
            // delete-after-insert: the INSERT is relayed, the DELETE ignored
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("insert into outbox_event (id, aggregatetype, aggregateid, type, payload) values ("
                        + "'11111111-1111-1111-1111-111111111111', 'Customer', 'c-1', 'CustomerCreated', '{\"seq\": 1}')");
                s.execute("delete from outbox_event where id = '11111111-1111-1111-1111-111111111111'");
                c.commit();
            }
            insert(db, "Order", "o-1", 2);

            List<ConsumerRecord<String, String>> records = consume(consumer, 3, new ArrayList<>());
            drain(consumer, java.time.Duration.ofMillis(500), records);
            assertThat(records).hasSize(3);

            ConsumerRecord<String, String> placed = records.stream()
                    .filter(r -> r.topic().equals(db.name() + ".Order") && seq(r) == 1).findFirst().orElseThrow();
            assertThat(placed.key()).isEqualTo("o-1");
            assertThat(placed.value()).startsWith("{").contains("\"total\": 12.5"); // expanded JSON, not a string
            assertThat(header(placed, "id")).isEqualTo(first.toString());
            assertThat(header(placed, "type")).isEqualTo("OrderPlaced");
            assertThat(header(placed, "traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

            ConsumerRecord<String, String> customer = records.stream()
                    .filter(r -> r.topic().equals(db.name() + ".Customer")).findFirst().orElseThrow();
            assertThat(customer.key()).isEqualTo("c-1");
            assertThat(header(customer, "id")).isEqualTo("11111111-1111-1111-1111-111111111111");
            assertThat(sequencesByKey(records).get(db.name() + ".Order/o-1")).containsExactly(1, 2);
            assertThat(relay.status().eventsRelayed()).isEqualTo(3);
        }
    }

    @Test
    void tenThousandEventsArriveInOrderPerAggregate() {
        TestDatabase db = database("tenk");
        try (OutboxRelay relay = kafkaRelay(db).build();
                KafkaConsumer<String, String> consumer = consumer(db.name() + ".Account")) {
            relay.start();
            awaitState(relay, RelayStatus.State.ACTIVE);
            long start = System.nanoTime();
            insertMany(db, "Account", 100, 100, 50);
            long inserted = System.nanoTime();
            List<ConsumerRecord<String, String>> records = consume(consumer, 10_000, new ArrayList<>());
            long received = System.nanoTime();
            drain(consumer, java.time.Duration.ofMillis(300), records);
            int duplicates = assertInOrderPerKey(records, 100, 100);
            System.out.printf("10,000 events: inserted in %d ms, all in Kafka after %d ms, %d duplicates%n",
                    (inserted - start) / 1_000_000, (received - start) / 1_000_000, duplicates);
            assertThat(duplicates).isZero(); // no restart, no redelivery
        }
    }

    @Test
    void stopAndRestartMidStreamLosesNothing() throws Exception {
        TestDatabase db = database("restart");
        try (KafkaConsumer<String, String> consumer = consumer(db.name() + ".Cart")) {
            OutboxRelay first = kafkaRelay(db).build();
            first.start();
            awaitState(first, RelayStatus.State.ACTIVE);
            Thread writer = new Thread(() -> insertMany(db, "Cart", 20, 150, 10));
            writer.start();
            await("some events relayed", () -> first.status().eventsRelayed() > 300);
            first.stop(); // mid-stream: the writer keeps committing
            long relayedByFirst = first.status().eventsRelayed();

            OutboxRelay second = kafkaRelay(db).build();
            second.start();
            writer.join();
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await("all 3000 distinct events", () -> {
                drain(consumer, java.time.Duration.ofMillis(100), records);
                return records.stream().map(r -> header(r, "id")).distinct().count() == 3000;
            });
            drain(consumer, java.time.Duration.ofMillis(500), records);
            second.stop();
            int duplicates = assertInOrderPerKey(records, 20, 150);
            System.out.printf("restart mid-stream: first relay sent %d, %d records received, %d duplicates%n",
                    relayedByFirst, records.size(), duplicates);
            assertThat(records.size()).isEqualTo(3000 + duplicates);
            assertThat(relayedByFirst).isLessThan(3000);
        }
    }
}

package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** The relay against real PostgreSQL and a real Kafka broker: routing, order, rollbacks, deletes. */
class KafkaRelayTest {

    @Test
    void routesLikeTheOutboxEventRouterAndIgnoresRollbacksAndDeletes() throws Exception {
        PostgresServer.Database db = database("routing");
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
                        + "gen_random_uuid(), 'Order', 'o-rolled-back', 'OrderPlaced', '{\"seq\": 99}')");
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
}

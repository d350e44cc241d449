package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.PurchaseOrder;
import dev.postbox.outbox.support.Rows;
import dev.postbox.testkit.PostgresServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManagerFactory;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JPA schema generation of the outbox table, and a pluggable payload serializer. */
class OutboxSchemaAndSerializerTest {

    private static final String COLUMNS = "select column_name || ':' || data_type || ':' || is_nullable "
            + "from information_schema.columns where table_name = 'outbox_event' order by column_name";

    @Test
    void jpaSchemaGenerationCreatesTheSameTableAsTheShippedScript() throws Exception {
        PostgresServer.Database scripted = PostgresServer.shared().createDatabase("scripted");
        scripted.execute(OutboxHarness.shippedDdl());

        PostgresServer.Database generated = PostgresServer.shared().createDatabase("generated");
        generated.execute("create table purchase_order (id varchar(64) primary key, status varchar(32), "
                + "amount numeric(12,2))");
        try (OutboxHarness harness = OutboxHarness.startOn(generated, Map.of())) {
            EntityManagerFactory emf = harness.entityManagerFactory("schema-generation",
                    Map.of("jakarta.persistence.schema-generation.database.action", "create"));

            assertThat(Rows.strings(generated, COLUMNS)).isEqualTo(Rows.strings(scripted, COLUMNS));
            assertThat(Rows.strings(generated, "select indexname from pg_indexes where tablename = 'outbox_event' "
                    + "order by 1")).contains("outbox_event_aggregate_idx", "outbox_event_timestamp_idx");

            harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("g-1", BigDecimal.ONE)));
            assertThat(generated.queryLong("select count(*) from outbox_event where aggregateid = 'g-1' "
                    + "and headers = '{}'::jsonb")).isEqualTo(1);
        }
    }

    /** Upper-cases every string: visibly not JSON-B's output. */
    @ApplicationScoped
    public static class ShoutingSerializer implements PayloadSerializer {
        @Override
        public String toJson(Object payload) {
            return "{\"shouted\": \"" + payload.toString().toUpperCase() + "\"}";
        }
    }

    @Test
    void aPayloadSerializerBeanReplacesJsonb() throws Exception {
        try (OutboxHarness harness = OutboxHarness.start(Map.of(), ShoutingSerializer.class)) {
            harness.inTransaction(() -> harness.outbox().publish("Note", "1", "Noted", new StringBuilder("hello")));
            harness.inTransaction(() -> harness.outbox().publish("Note", "2", "Noted", List.of("x")));
            assertThat(Rows.strings(harness.db, "select payload->>'shouted' from outbox_event order by aggregateid"))
                    .containsExactly("HELLO", "[X]");
        }
    }
}

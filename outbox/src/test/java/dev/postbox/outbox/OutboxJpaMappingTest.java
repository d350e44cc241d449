package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.outbox.internal.jpa.OutboxEventRecord;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.PurchaseOrder;
import dev.postbox.outbox.support.Rows;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.MariaDbServer;
import dev.postbox.testkit.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox table's JPA mappings against the shipped scripts: {@code META-INF/postbox-outbox-entity.xml}
 * (PostgreSQL; its generation test is {@link OutboxSchemaAndSerializerTest}) and
 * {@code META-INF/postbox-outbox-entity-mariadb.xml} (MariaDB). On MariaDB, Hibernate's schema validation accepts the
 * shipped script and schema generation makes the script's columns; on both, an event written by the outbox reads
 * back through the entity with its values and Java types.
 */
class OutboxJpaMappingTest {

    private static final Map<String, Object> VALIDATE = Map.of("hibernate.hbm2ddl.auto", "validate");

    private static final String MARIADB_COLUMNS = "select concat(column_name, ':', column_type, ':', is_nullable, "
            + "':', coalesce(column_default, '-')) from information_schema.columns "
            + "where table_schema = database() and table_name = 'outbox_event' order by column_name";

    @Test
    void hibernateValidatesTheShippedMariaDbScriptWithTheMariaDbMapping() throws Exception {
        try (OutboxHarness harness = OutboxHarness.start(OutboxDatabase.MARIADB, TestJta.LOCAL_JTA, Map.of())) {
            EntityManagerFactory emf = harness.entityManagerFactory("schema-generation-mariadb", VALIDATE);
            assertThat(emf.getMetamodel().entity(OutboxEventRecord.class).getName()).isEqualTo("PostboxOutboxEvent");
        }
    }

    @Test
    void thePostgresMappingDoesNotValidateOnMariaDb() throws Exception {
        // the reason the MariaDB file exists: a user who keeps PostgreSQL's file learns it when the unit starts
        try (OutboxHarness harness = OutboxHarness.start(OutboxDatabase.MARIADB, TestJta.LOCAL_JTA, Map.of())) {
            assertThatThrownBy(() -> harness.entityManagerFactory("schema-generation", VALIDATE))
                    .hasStackTraceContaining("outbox_event");
        }
    }

    @Test
    void jpaSchemaGenerationOnMariaDbCreatesTheSameTableAsTheShippedScript() throws Exception {
        TestDatabase scripted = OutboxDatabase.MARIADB.createDatabase("scripted");

        TestDatabase generated = MariaDbServer.shared().createDatabase("generated");
        generated.execute("create table purchase_order (id varchar(64) primary key, status varchar(32), "
                + "amount numeric(12,2))");
        try (OutboxHarness harness = OutboxHarness.startOn(generated, Map.of())) {
            EntityManagerFactory emf = harness.entityManagerFactory("schema-generation-mariadb",
                    Map.of("jakarta.persistence.schema-generation.database.action", "create"));

            assertThat(Rows.strings(generated, MARIADB_COLUMNS)).isEqualTo(Rows.strings(scripted, MARIADB_COLUMNS));
            assertThat(Rows.strings(generated, "select distinct index_name from information_schema.statistics "
                    + "where table_schema = database() and table_name = 'outbox_event' order by 1"))
                    .contains("outbox_event_aggregate_idx", "outbox_event_timestamp_idx");

            harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("g-1", BigDecimal.ONE)));
            assertThat(generated.queryLong("select count(*) from outbox_event where aggregateid = 'g-1' "
                    + "and headers = '{}'")).isEqualTo(1);
            // MariaDB's JSON keeps its JSON_VALID check when JPA creates the column
            assertThatThrownBy(() -> generated.execute("insert into outbox_event (id, aggregatetype, aggregateid, "
                    + "type, payload) values ('" + UUID.randomUUID() + "', 'a', 'b', 'c', 'not json')"))
                    .hasMessageContaining("payload");
        }
    }

    @Test
    void anEntityEventReadsBackThroughTheMariaDbMappingWithItsTypes() throws Exception {
        readsBackWithItsTypes(OutboxDatabase.MARIADB, "schema-generation-mariadb", VALIDATE);
    }

    @Test
    void anEntityEventReadsBackThroughThePostgresMappingWithItsTypes() throws Exception {
        // no validation here: Hibernate 6.6 refuses PostgreSQL's headers column ("jsonb default '{}'::jsonb", read
        // as VARCHAR, against the script's jsonb, OTHER); OutboxSchemaAndSerializerTest proves that mapping's columns
        readsBackWithItsTypes(OutboxDatabase.POSTGRESQL, "schema-generation", Map.of());
    }

    /**
     * An event raised by an entity (written by the outbox with JDBC) and one published with a header and a trace
     * context, read with JPQL through the entity, in a JVM whose default time zone is not UTC (the stored UTC time
     * must not move by the zone's offset).
     */
    private static void readsBackWithItsTypes(OutboxDatabase database, String unit, Map<String, Object> settings)
            throws Exception {
        TimeZone zone = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        try (OutboxHarness harness = OutboxHarness.start(database, TestJta.LOCAL_JTA, Map.of())) {
            EntityManagerFactory emf = harness.entityManagerFactory(unit, settings);
            Instant before = Instant.now().minusSeconds(1);
            harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("t-1", new BigDecimal("19.90"))));
            harness.inTransaction(() -> {
                harness.outbox().publish(OutboxEvent.builder("Order", "t-1", "OrderNoted")
                        .payload(Map.of("note", "fragile"))
                        .header("tenant", "acme")
                        .traceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null)
                        .build());
                return null;
            });
            Instant after = Instant.now().plusSeconds(1);

            List<OutboxEventRecord> records = new ArrayList<>();
            harness.inTransaction(emf, em -> records.addAll(em.createQuery(
                    "select e from PostboxOutboxEvent e where e.aggregateId = 't-1' order by e.timestamp, e.id",
                    OutboxEventRecord.class).getResultList()));
            Map<String, Object> stored = Rows.query(harness.db, "select id, " + database.quoted("timestamp")
                    + " as ts from outbox_event where type = 'OrderPlaced'").get(0);

            assertThat(records).extracting(OutboxEventRecord::getType).containsExactly("OrderPlaced", "OrderNoted");
            OutboxEventRecord placed = records.get(0);
            assertThat(placed.getId()).isInstanceOf(UUID.class).isEqualTo(UUID.fromString(stored.get("id").toString()));
            assertThat(placed.getId().version()).isEqualTo(7);
            assertThat(placed.getAggregateType()).isEqualTo("Order");
            assertThat(placed.getTimestamp()).isBetween(before, after)
                    .isEqualTo(database.instant(stored.get("ts")));
            assertThat(placed.getPayload()).contains("\"amount\"").contains("19.90");
            assertThat(placed.getHeaders()).isEqualTo("{}");
            assertThat(placed.getTracingSpanContext()).isNull();

            OutboxEventRecord noted = records.get(1);
            assertThat(noted.getPayload()).contains("\"note\"").contains("\"fragile\"");
            assertThat(noted.getHeaders()).contains("\"tenant\"").contains("\"acme\"");
            assertThat(noted.getTracingSpanContext())
                    .contains("traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            assertThat(noted.getTimestamp()).isAfterOrEqualTo(placed.getTimestamp());
        } finally {
            TimeZone.setDefault(zone);
        }
    }
}

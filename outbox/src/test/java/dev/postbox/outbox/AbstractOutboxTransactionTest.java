package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.Rows;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.testkit.TestDatabase;
import jakarta.json.Json;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The explicit path: {@code Outbox.publish} inside JTA transactions, against a real database. Runs once per
 * database and transaction manager: one small subclass each (PostgreSQL and MariaDB, LocalJta and Narayana).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOutboxTransactionTest {

    protected OutboxHarness harness;
    private Outbox outbox;

    /** The transaction manager (and its data sources) this run uses. */
    protected abstract Function<TestDatabase, TestJta> transactionManager();

    /** The database this run uses. */
    protected abstract OutboxDatabase database();

    @BeforeAll
    void start() {
        harness = OutboxHarness.start(database(), transactionManager(), Map.of());
        outbox = harness.outbox();
    }

    @AfterAll
    void stop() {
        harness.close();
    }

    @BeforeEach
    void clean() {
        harness.db.execute("delete from outbox_event", "delete from purchase_order");
    }

    private void insertOrder(String id) throws Exception {
        try (Connection c = harness.jta.dataSource().getConnection()) {
            c.createStatement().execute("insert into purchase_order (id, status, amount) values ('" + id
                    + "', 'PLACED', 10)");
        }
    }

    @Test
    void commitWritesBusinessRowAndOutboxRow() throws Exception {
        OutboxEvent[] published = new OutboxEvent[1];
        harness.inTransaction(() -> {
            insertOrder("o-1");
            published[0] = outbox.publish("Order", "o-1", "OrderPlaced", Map.of("orderId", "o-1"));
            // nothing is written before commit: the row appears with the commit, on the same connection
            assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
            return null;
        });

        assertThat(harness.db.queryLong("select count(*) from purchase_order where id = 'o-1'")).isEqualTo(1);
        List<Map<String, Object>> rows = Rows.query(harness.db, "select id, aggregatetype, aggregateid, type, "
                + database().jsonText("payload") + " as payload from outbox_event");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("id", database().idValue(published[0].id()))
                .containsEntry("aggregatetype", "Order")
                .containsEntry("aggregateid", "o-1")
                .containsEntry("type", "OrderPlaced")
                .containsEntry("payload", database().storedJson("{\"orderId\":\"o-1\"}", "{\"orderId\": \"o-1\"}"));
    }

    @Test
    void rollbackWritesNeither() throws Exception {
        assertThatThrownBy(() -> harness.inTransaction(() -> {
            insertOrder("o-2");
            outbox.publish("Order", "o-2", "OrderPlaced", Map.of("orderId", "o-2"));
            throw new IllegalStateException("business rule violated");
        })).hasMessage("business rule violated");

        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    @Test
    void transactionMarkedRollbackOnlyWritesNeither() throws Exception {
        harness.jta.begin();
        insertOrder("o-3");
        outbox.publish("Order", "o-3", "OrderPlaced", null);
        harness.jta.setRollbackOnly();
        assertThatThrownBy(harness.jta::commit).isInstanceOf(jakarta.transaction.RollbackException.class);

        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    @Test
    void eventsOfOneTransactionReachTheLogInPublicationOrder() throws Exception {
        try (OutboxDatabase.ChangeLog log = database().openChangeLog(harness.db, "order_check")) {
            List<String> expected = new ArrayList<>();
            harness.inTransaction(() -> {
                insertOrder("o-4");
                for (int i = 0; i < 50; i++) {
                    // alternate aggregates so that no accidental sort order (id, aggregate) explains the result
                    OutboxEvent e = outbox.publish(i % 2 == 0 ? "Order" : "Payment", "o-4", "Step" + i, Map.of("i", i));
                    expected.add(e.id().toString());
                }
                return null;
            });
            assertThat(log.insertedIds(expected.size())).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void concurrentTransactionsKeepTheirEventsApart() throws Exception {
        harness.jta.begin();
        outbox.publish("Order", "a", "A1", null);
        jakarta.transaction.Transaction first = harness.jta.suspend();
        harness.jta.begin();
        outbox.publish("Order", "b", "B1", null);
        harness.jta.rollback();
        harness.jta.resume(first);
        outbox.publish("Order", "a", "A2", null);
        harness.jta.commit();

        assertThat(Rows.strings(harness.db, "select type from outbox_event order by type"))
                .containsExactly("A1", "A2");
    }

    @Test
    void aCallbackEventWithNoConnectionOfTheTransactionRollsBackInsteadOfCommittingAlone() throws Exception {
        // A JPA provider without Postbox's integration: the event comes from a callback, nothing held a
        // connection, and the data source hands out a non-transactional one at commit (as Payara does).
        dev.postbox.outbox.internal.cdi.CdiOutbox cdiOutbox =
                harness.weld.select(dev.postbox.outbox.internal.cdi.CdiOutbox.class).get();
        harness.jta.begin();
        insertOrder("o-8");
        cdiOutbox.publishFromCallback(OutboxEvent.of("Order", "o-8", "OrderPlaced", null));
        assertThatThrownBy(harness.jta::commit).isInstanceOf(jakarta.transaction.RollbackException.class)
                .hasStackTraceContaining("refusing to write 1 outbox event(s) (OrderPlaced of Order/o-8")
                .hasStackTraceContaining("auto-commit mode");

        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    @Test
    void anExplicitPublishHoldsTheConnectionForCallbackEventsOfTheSameTransaction() throws Exception {
        dev.postbox.outbox.internal.cdi.CdiOutbox cdiOutbox =
                harness.weld.select(dev.postbox.outbox.internal.cdi.CdiOutbox.class).get();
        harness.inTransaction(() -> {
            insertOrder("o-9");
            outbox.publish("Order", "o-9", "OrderPlaced", null);
            cdiOutbox.publishFromCallback(OutboxEvent.of("Order", "o-9", "OrderAudited", null));
            return null;
        });
        assertThat(Rows.strings(harness.db, "select type from outbox_event order by type"))
                .containsExactly("OrderAudited", "OrderPlaced");
    }

    @Test
    void publishingWithoutATransactionFailsClearlyAndWritesNothing() {
        assertThatThrownBy(() -> outbox.publish("Order", "o-5", "OrderPlaced", Map.of()))
                .isInstanceOf(OutboxException.class)
                .hasMessageContaining("OrderPlaced of Order/o-5")
                .hasMessageContaining("needs an active JTA transaction")
                .hasMessageContaining("NO_TRANSACTION");
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    public record Customer(String name, String email) {
    }

    public record InvoiceIssued(String invoiceId, BigDecimal total, Instant issuedAt, List<String> lines,
            Customer customer, Map<String, Integer> quantities, boolean paid, Long dueInDays) {
    }

    @Test
    void payloadRoundTripsThroughTheJsonbColumn() throws Exception {
        InvoiceIssued payload = new InvoiceIssued("inv-7", new BigDecimal("1234.50"),
                Instant.parse("2026-11-25T10:15:30.123Z"), List.of("café crème", "naïve 😀", "quote \" and \\"),
                new Customer("Zoë Ø", "zoe@example.com"), Map.of("a", 1, "b", 2), false, null);
        harness.inTransaction(() -> outbox.publish("Invoice", "inv-7", "InvoiceIssued", payload));

        String stored = Rows.strings(harness.db, "select " + database().jsonText("payload") + " from outbox_event")
                .get(0);
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertThat(jsonb.fromJson(stored, InvoiceIssued.class)).isEqualTo(payload);
        }
        // the column keeps it a JSON object the relay can expand, not an escaped string
        assertThat(harness.db.queryLong(isJsonObjectWithInvoiceAndTotal())).isEqualTo(1);
    }

    private String isJsonObjectWithInvoiceAndTotal() {
        if (database() == OutboxDatabase.POSTGRESQL) {
            return "select count(*) from outbox_event where jsonb_typeof(payload) = 'object'"
                    + " and payload->>'invoiceId' = 'inv-7' and (payload->>'total')::numeric = 1234.50";
        }
        return "select count(*) from outbox_event where json_type(payload) = 'OBJECT'"
                + " and json_value(payload, '$.invoiceId') = 'inv-7' and json_value(payload, '$.total') = 1234.50";
    }

    @Test
    void jsonTextAndJsonValuePayloadsAreStoredAsGiven() throws Exception {
        harness.inTransaction(() -> {
            outbox.publish("Doc", "1", "Text", "{\"b\": [1, 2, {\"c\": null}], \"a\": \"x\"}");
            outbox.publish("Doc", "2", "Value", Json.createObjectBuilder().add("n", 42).build());
            outbox.publish("Doc", "3", "Scalar", "17");
            outbox.publish("Doc", "4", "Tombstone", null);
            return null;
        });
        assertThat(Rows.query(harness.db, "select aggregateid, " + database().jsonText("payload")
                + " as p from outbox_event order by 1"))
                .extracting(r -> r.get("p"))
                .containsExactly(database().storedJson("{\"b\": [1, 2, {\"c\": null}], \"a\": \"x\"}",
                        "{\"a\": \"x\", \"b\": [1, 2, {\"c\": null}]}"),
                        database().storedJson("{\"n\":42}", "{\"n\": 42}"), "17", null);
    }

    @Test
    void badPayloadsFailAtPublishAndLeaveTheTransactionUsable() throws Exception {
        harness.inTransaction(() -> {
            insertOrder("o-6");
            assertThatThrownBy(() -> outbox.publish("Order", "o-6", "Broken", "not json {"))
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("Broken of Order/o-6")
                    .hasMessageContaining("not JSON text");
            String huge = "\"" + "x".repeat(1_048_577) + "\"";
            assertThatThrownBy(() -> outbox.publish("Order", "o-6", "Huge", huge))
                    .isInstanceOf(OutboxException.class)
                    .hasMessageContaining("postbox.outbox.max-payload-bytes=1048576");
            assertThatThrownBy(() -> outbox.publish("Order", "o-6", "Unserializable", new Object() {
                public Object getSelf() {
                    throw new IllegalStateException("no");
                }
            })).isInstanceOf(OutboxException.class).hasMessageContaining("cannot be serialized");
            outbox.publish("Order", "o-6", "Fine", Map.of());
            return null;
        });
        assertThat(Rows.strings(harness.db, "select type from outbox_event")).containsExactly("Fine");
        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isEqualTo(1);
    }

    @Test
    void invalidEventsAreRejectedWhenBuilt() {
        assertThatThrownBy(() -> OutboxEvent.of(" ", "1", "T", null)).hasMessageContaining("aggregateType");
        assertThatThrownBy(() -> OutboxEvent.of("Order", null, "T", null)).hasMessageContaining("aggregateId");
        assertThatThrownBy(() -> OutboxEvent.of("Order", "1", "x".repeat(256), null))
                .hasMessageContaining("longer than 255");
        assertThatThrownBy(() -> OutboxEvent.builder("Order", 1, "T").header("", "v"))
                .hasMessageContaining("header name");
    }

    @Test
    void headersAndTraceContextAreStoredForTheRelayAndDebezium() throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-01-02T03:04:05Z");
        harness.inTransaction(() -> {
            outbox.publish(OutboxEvent.builder("Order", 9L, "OrderPlaced").id(id).timestamp(at)
                    .header("tenant", "acme").traceContext(traceparent, "vendor=abc").payload(Map.of()).build());
            return null;
        });
        OutboxDatabase d = database();
        Map<String, Object> row = Rows.query(harness.db, "select id, aggregateid, " + d.jsonField("headers", "tenant")
                + " as tenant, " + d.jsonField("headers", "traceparent") + " as tp, tracingspancontext, "
                + d.quoted("timestamp") + " as ts from outbox_event").get(0);
        assertThat(row).containsEntry("id", d.idValue(id)).containsEntry("aggregateid", "9")
                .containsEntry("tenant", "acme")
                .containsEntry("tp", traceparent)
                .containsEntry("tracingspancontext", "traceparent=" + traceparent + "\ntracestate=vendor=abc");
        assertThat(d.instant(row.get("ts"))).isEqualTo(at);
    }

    @Test
    void generatedIdsAreTimeOrderedAndUnique() {
        List<UUID> ids = IntStream.range(0, 10_000).mapToObj(i -> OutboxEvent.of("A", i, "T", null).id()).toList();
        assertThat(ids).doesNotHaveDuplicates().isSorted();
        assertThat(ids).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
        long millis = ids.get(0).getMostSignificantBits() >>> 16;
        assertThat(Instant.ofEpochMilli(millis)).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
    }
}

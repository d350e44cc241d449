package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postbox.outbox.support.OutboxDatabase;
import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.PurchaseOrder;
import dev.postbox.outbox.support.Rows;
import dev.postbox.outbox.support.TestJta;
import dev.postbox.testkit.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The entity-listener path: Hibernate in JTA mode, entities that raise events, the listener registered for
 * the whole persistence unit through {@code META-INF/postbox-outbox-listener.xml}. Runs once per transaction
 * manager: one small subclass each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractOutboxEntityListenerTest {

    protected OutboxHarness harness;
    protected EntityManagerFactory emf;

    /** The transaction manager (and its data sources) this run uses. */
    protected abstract Function<TestDatabase, TestJta> transactionManager();

    /** The database this run uses. */
    protected abstract OutboxDatabase database();

    @BeforeAll
    void start() {
        harness = OutboxHarness.start(database(), transactionManager(), Map.of());
        emf = harness.entityManagerFactory("orders", Map.of());
    }

    @AfterAll
    void stop() {
        harness.close();
    }

    @BeforeEach
    void clean() {
        harness.db.execute("delete from outbox_event", "delete from purchase_order");
    }

    private List<String> outboxTypes() {
        return Rows.strings(harness.db, "select type from outbox_event order by " + database().quoted("timestamp")
                + ", id");
    }

    @Test
    void persistingAnEntityWritesItsEventsInTheSameCommit() throws Exception {
        harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("p-1", new BigDecimal("19.90"))));

        assertThat(harness.db.queryLong("select count(*) from purchase_order where id = 'p-1'")).isEqualTo(1);
        List<Map<String, Object>> rows = Rows.query(harness.db,
                "select aggregatetype, aggregateid, type, " + database().jsonField("payload", "amount")
                        + " as amount from outbox_event");
        assertThat(rows).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("aggregatetype", "Order").containsEntry("aggregateid", "p-1")
                .containsEntry("type", "OrderPlaced").containsEntry("amount", "19.90"));
    }

    @Test
    void updatingAndRemovingWriteTheirEventsToo() throws Exception {
        harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("p-2", BigDecimal.TEN)));
        // the update is only flushed at commit: the event is collected during that flush and still committed
        harness.inTransaction(emf, em -> em.find(PurchaseOrder.class, "p-2").ship());
        harness.inTransaction(emf, em -> {
            PurchaseOrder order = em.find(PurchaseOrder.class, "p-2");
            order.cancelled();
            em.remove(order);
        });

        assertThat(outboxTypes()).containsExactly("OrderPlaced", "OrderShipped", "OrderCancelled");
        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
    }

    @Test
    void rollbackDiscardsEntityEventsWithTheEntity() throws Exception {
        assertThatThrownBy(() -> harness.inTransaction(emf, em -> {
            em.persist(PurchaseOrder.place("p-3", BigDecimal.ONE));
            em.flush(); // the listener has run and buffered the event before the failure
            throw new IllegalStateException("payment declined");
        })).hasMessage("payment declined");

        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    @Test
    void entityAndExplicitEventsShareOneTransactionInArrivalOrder() throws Exception {
        Outbox outbox = harness.outbox();
        try (OutboxDatabase.ChangeLog log = database().openChangeLog(harness.db, "mixed_order")) {
            List<String> expected = new ArrayList<>();
            harness.inTransaction(emf, em -> {
                PurchaseOrder order = PurchaseOrder.place("p-4", BigDecimal.ONE);
                em.persist(order);
                em.flush(); // OrderPlaced reaches the outbox now
                expected.add("OrderPlaced");
                outbox.publish("Order", "p-4", "InvoiceRequested", Map.of());
                expected.add("InvoiceRequested");
                order.ship(); // flushed at commit, so it arrives last
                expected.add("OrderShipped");
            });
            List<String> ids = log.insertedIds(expected.size());
            List<String> typesInLogOrder = ids.stream().map(id -> Rows.strings(harness.db,
                    "select type from outbox_event where id = '" + id + "'").get(0)).toList();
            assertThat(typesInLogOrder).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void eventsOfAnUnchangedEntityAreNotWrittenAsDocumented() throws Exception {
        harness.inTransaction(emf, em -> em.persist(PurchaseOrder.place("p-5", BigDecimal.ONE)));
        harness.inTransaction(emf, em -> em.find(PurchaseOrder.class, "p-5").raiseWithoutChange("Pinged"));
        // JPA fires no callback for an entity that did not change; OutboxEventSource's javadoc says to use
        // Outbox.publish for such events. This test pins that documented behaviour.
        assertThat(outboxTypes()).containsExactly("OrderPlaced");
    }

    @Test
    void withHibernateNoListenerRegistrationIsNeeded() throws Exception {
        EntityManagerFactory bare = harness.entityManagerFactory("orders-hibernate-only", Map.of());
        harness.inTransaction(bare, em -> em.persist(PurchaseOrder.place("p-7", BigDecimal.ONE)));
        harness.inTransaction(bare, em -> em.find(PurchaseOrder.class, "p-7").ship());
        assertThat(outboxTypes()).containsExactly("OrderPlaced", "OrderShipped");
    }

    @Test
    void entityEventsAreWrittenOnHibernatesConnectionAndRollBackWithALateFailure() throws Exception {
        // a participant that fails after the outbox wrote: both the entity and its events must roll back
        assertThatThrownBy(() -> harness.inTransaction(emf, em -> {
            em.persist(PurchaseOrder.place("p-8", BigDecimal.ONE));
            harness.jta.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {
                    throw new IllegalStateException("later participant failed");
                }

                @Override
                public void afterCompletion(int status) {
                }
            });
        })).isInstanceOf(jakarta.transaction.RollbackException.class);
        assertThat(harness.db.queryLong("select count(*) from purchase_order")).isZero();
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }

    @Test
    void flushingOutsideATransactionIsImpossibleSoNoEventIsLost() {
        // Without a transaction the entity manager refuses to persist: the listener never sees a lost event.
        assertThatThrownBy(() -> {
            var em = emf.createEntityManager();
            try {
                em.persist(PurchaseOrder.place("p-6", BigDecimal.ONE));
                em.flush();
            } finally {
                em.close();
            }
        }).isInstanceOf(jakarta.persistence.TransactionRequiredException.class);
        assertThat(harness.db.queryLong("select count(*) from outbox_event")).isZero();
    }
}

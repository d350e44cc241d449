package dev.postbox.bench;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxEventSource;
import dev.postbox.outbox.RaisedEvents;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/** The JPA entities of the outbox bench (persistence unit {@code bench}). */
final class JpaEntities {

    private JpaEntities() {
    }

    /** The business row, with no events: the floor, the JPA peer and {@code Outbox.publish} persist it. */
    @Entity(name = "BenchPayment")
    @Table(name = "payment")
    public static class Payment {
        @Id
        String id;
        String account;
        BigDecimal amount;

        protected Payment() {
        }

        Payment(String id, String account, BigDecimal amount) {
            this.id = id;
            this.account = account;
            this.amount = amount;
        }
    }

    /** The same row from an entity that raises its event (Postbox's Hibernate integration writes it). */
    @Entity(name = "BenchEventfulPayment")
    @Table(name = "payment")
    public static class EventfulPayment implements OutboxEventSource {
        @Id
        String id;
        String account;
        BigDecimal amount;
        @Transient
        final RaisedEvents events = new RaisedEvents();

        protected EventfulPayment() {
        }

        EventfulPayment(String id, String account, BigDecimal amount, String eventAggregateId, Object payload) {
            this.id = id;
            this.account = account;
            this.amount = amount;
            events.raise("Payment", eventAggregateId, "PaymentCaptured", payload);
        }

        @Override
        public List<OutboxEvent> drainOutboxEvents() {
            return events.drain();
        }
    }

    /**
     * The JPA-entity peer: the outbox row as an entity persisted through the EntityManager in the business
     * transaction, as Debezium's Quarkus outbox extension writes it. Same table, columns and indexes.
     */
    @Entity(name = "BenchOutboxRow")
    @Table(name = "outbox_event")
    public static class OutboxRow {
        @Id
        UUID id;
        @Column(name = "aggregatetype")
        String aggregateType;
        @Column(name = "aggregateid")
        String aggregateId;
        String type;
        @ColumnTransformer(write = "?::jsonb")
        String payload;
        @Column(name = "\"timestamp\"")
        Instant timestamp;
        @ColumnTransformer(write = "?::jsonb")
        String headers;
        @Column(name = "tracingspancontext")
        String tracingSpanContext;

        protected OutboxRow() {
        }

        OutboxRow(UUID id, String aggregateType, String aggregateId, String type, String payload) {
            this.id = id;
            this.aggregateType = aggregateType;
            this.aggregateId = aggregateId;
            this.type = type;
            this.payload = payload;
            this.timestamp = Instant.now();
            this.headers = "{}";
        }
    }
}

package dev.postbox.outbox.support;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxEventSource;
import dev.postbox.outbox.RaisedEvents;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.math.BigDecimal;
import java.util.List;

/** A business entity that raises domain events, registered with no annotation (default listener in orm.xml). */
@Entity
@Table(name = "purchase_order")
public class PurchaseOrder implements OutboxEventSource {

    @Id
    private String id;
    private String status;
    private BigDecimal amount;

    @Transient
    private final RaisedEvents events = new RaisedEvents();

    protected PurchaseOrder() {
    }

    public static PurchaseOrder place(String id, BigDecimal amount) {
        PurchaseOrder order = new PurchaseOrder();
        order.id = id;
        order.amount = amount;
        order.status = "PLACED";
        order.events.raise("Order", id, "OrderPlaced", new OrderPlaced(id, amount));
        return order;
    }

    public void ship() {
        status = "SHIPPED";
        events.raise("Order", id, "OrderShipped", new OrderShipped(id));
    }

    public void cancelled() {
        events.raise("Order", id, "OrderCancelled", new OrderShipped(id));
    }

    public void raiseWithoutChange(String type) {
        events.raise("Order", id, type, new OrderShipped(id));
    }

    public String getId() {
        return id;
    }

    public String getStatus() {
        return status;
    }

    @Override
    public List<OutboxEvent> drainOutboxEvents() {
        return events.drain();
    }

    public record OrderPlaced(String orderId, BigDecimal amount) {
    }

    public record OrderShipped(String orderId) {
    }
}

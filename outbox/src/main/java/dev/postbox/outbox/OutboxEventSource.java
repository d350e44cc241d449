package dev.postbox.outbox;

import java.util.List;

/**
 * Implemented by JPA entities that raise domain events. When such an entity is persisted, updated or removed,
 * {@link OutboxEntityListener} drains its events into the outbox of the current transaction.
 *
 * <p>The simplest implementation delegates to a transient {@link RaisedEvents}:
 * <pre>{@code
 * @Entity
 * public class Order implements OutboxEventSource {
 *     @Transient
 *     private final RaisedEvents events = new RaisedEvents();
 *
 *     public void ship() {
 *         status = Status.SHIPPED;
 *         events.raise(OutboxEvent.of("Order", id, "OrderShipped", new OrderShipped(id)));
 *     }
 *
 *     @Override
 *     public List<OutboxEvent> drainOutboxEvents() {
 *         return events.drain();
 *     }
 * }
 * }</pre>
 *
 * Events are collected when the entity is flushed as inserted, updated or deleted. Raising an event does not
 * make an entity dirty: an event raised on an entity whose state did not change is not written, so publish
 * such events with {@link Outbox#publish} instead.
 */
public interface OutboxEventSource {

    /** Returns the events raised since the last call, oldest first, and forgets them. */
    List<OutboxEvent> drainOutboxEvents();
}

package dev.postbox.outbox;

/**
 * Publishes events in the caller's JTA transaction: they are written to the outbox table on the transaction's
 * connection just before it commits, so they commit with the business change or disappear with its rollback.
 *
 * <p>Inject it anywhere ({@code @Inject Outbox outbox;}) and call it from a transactional method:
 * <pre>{@code
 * @Transactional
 * public void place(Order order) {
 *     em.persist(order);
 *     outbox.publish("Order", order.getId(), "OrderPlaced", new OrderPlaced(order));
 * }
 * }</pre>
 *
 * Events of one transaction are written in the order they reach the outbox (explicit calls and entity
 * events alike). Serialization happens at once, so a payload that cannot become JSON fails the call, not the
 * commit.
 */
public interface Outbox {

    /**
     * Adds an event to the current transaction.
     *
     * @throws OutboxException when no JTA transaction is active, or the payload cannot be serialized or is too
     *     large; nothing is recorded then
     */
    void publish(OutboxEvent event);

    /** Builds and publishes an event with no headers; returns it (its id is what consumers deduplicate on). */
    default OutboxEvent publish(String aggregateType, Object aggregateId, String type, Object payload) {
        OutboxEvent event = OutboxEvent.of(aggregateType, aggregateId, type, payload);
        publish(event);
        return event;
    }
}

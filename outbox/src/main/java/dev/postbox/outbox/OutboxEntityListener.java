package dev.postbox.outbox;

import dev.postbox.outbox.internal.cdi.CdiOutbox;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PostRemove;
import jakarta.persistence.PostUpdate;
import java.util.List;

/**
 * JPA entity listener that writes the events of {@link OutboxEventSource} entities to the outbox when they are
 * persisted, updated or removed. Entities that are not event sources are ignored, so it can be registered for
 * all entities at once.
 *
 * <p>Register it in one of two ways:
 * <ul>
 *   <li>for every entity of a persistence unit, without touching them: add
 *       {@code <mapping-file>META-INF/postbox-outbox-listener.xml</mapping-file>} to {@code persistence.xml}
 *       (it declares this class as a default entity listener);</li>
 *   <li>per entity: {@code @EntityListeners(OutboxEntityListener.class)}.</li>
 * </ul>
 *
 * JPA forbids EntityManager calls inside lifecycle callbacks, so nothing is written here: the events are handed
 * to the transaction's outbox buffer and inserted on the transaction's connection just before it commits. With
 * Hibernate, Postbox's Hibernate integration (registered automatically) collects the events as well and tells the
 * outbox which connection Hibernate uses, so with Hibernate this listener is optional.
 */
public class OutboxEntityListener {

    /**
     * Injected when the JPA provider creates listeners through CDI; Payara does not hand its BeanManager to a
     * Hibernate packaged in the application, so the bean is also looked up on first use.
     */
    @Inject
    CdiOutbox outbox;

    /** Moves the entity's raised events into the outbox of the current transaction. */
    @PostPersist
    @PostUpdate
    @PostRemove
    public void collectEvents(Object entity) {
        if (entity instanceof OutboxEventSource source) {
            List<OutboxEvent> events = source.drainOutboxEvents();
            if (events != null && !events.isEmpty()) {
                CdiOutbox target = outbox();
                for (OutboxEvent event : events) {
                    target.publishFromCallback(event);
                }
            }
        }
    }

    private CdiOutbox outbox() {
        CdiOutbox current = outbox;
        if (current == null) {
            // Providers that instantiate listeners themselves (no CDI injection): look the bean up.
            current = CDI.current().select(CdiOutbox.class).get();
            outbox = current;
        }
        return current;
    }
}

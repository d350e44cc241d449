package dev.postbox.outbox.internal.hibernate;

import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxEventSource;
import dev.postbox.outbox.OutboxException;
import dev.postbox.outbox.internal.cdi.CdiOutbox;
import jakarta.enterprise.inject.spi.CDI;
import java.util.List;
import org.hibernate.event.spi.EventSource;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Runs when Hibernate has written an entity. For entities that raise events it (1) tells the outbox to write
 * through this session's connection, the one enlisted in the transaction, and (2) drains the entity's events into
 * the outbox, so with Hibernate the JPA {@code OutboxEntityListener} is not even needed.
 */
final class OutboxFlushListener implements PostInsertEventListener, PostUpdateEventListener, PostDeleteEventListener {

    private volatile CdiOutbox outbox;

    @Override
    public void onPostInsert(PostInsertEvent event) {
        collect(event.getEntity(), event.getSession());
    }

    @Override
    public void onPostUpdate(PostUpdateEvent event) {
        collect(event.getEntity(), event.getSession());
    }

    @Override
    public void onPostDelete(PostDeleteEvent event) {
        collect(event.getEntity(), event.getSession());
    }

    @Override
    public boolean requiresPostCommitHandling(EntityPersister persister) {
        return false;
    }

    private void collect(Object entity, EventSource session) {
        if (!(entity instanceof OutboxEventSource source)) {
            return;
        }
        CdiOutbox target = outbox();
        target.useTransactionConnection(work -> session.doWork(work::execute));
        List<OutboxEvent> events = source.drainOutboxEvents();
        if (events != null) {
            for (OutboxEvent e : events) {
                target.publishFromCallback(e);
            }
        }
    }

    private CdiOutbox outbox() {
        CdiOutbox current = outbox;
        if (current == null) {
            try {
                current = CDI.current().select(CdiOutbox.class).get();
            } catch (IllegalStateException e) {
                throw new OutboxException("an entity implementing OutboxEventSource was written, but no CDI container "
                        + "is available to reach the Postbox outbox; refusing to drop its events", e);
            }
            outbox = current;
        }
        return current;
    }
}

package dev.postbox.relay.internal.cdi;

import dev.postbox.relay.RelayEvent;
import dev.postbox.relay.RelaySink;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Fires each event as a synchronous CDI event of type {@link RelayEvent} ({@code void on(@Observes RelayEvent e)}).
 * An observer that returns acknowledges it; one that throws fails it (retried; a thrown
 * {@link dev.postbox.relay.RelaySinkException} with {@code permanent()} parks it). For one service that reacts to
 * its own events after commit, with the relay's ordering and retries.
 */
final class CdiEventSink implements RelaySink {

    private final Event<RelayEvent> event;

    CdiEventSink(BeanManager beanManager) {
        this.event = beanManager.getEvent().select(RelayEvent.class);
    }

    @Override
    public CompletionStage<Void> send(RelayEvent relayEvent) {
        try {
            event.fire(relayEvent);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String describe() {
        return "CDI event " + RelayEvent.class.getSimpleName();
    }
}

package dev.postbox.relay;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** Acknowledges everything at once and remembers it. */
final class CollectingSink implements RelaySink {
    final List<RelayEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> send(RelayEvent event) {
        events.add(event);
        return CompletableFuture.completedFuture(null);
    }

    long distinct() {
        return events.stream().map(RelayEvent::id).distinct().count();
    }
}

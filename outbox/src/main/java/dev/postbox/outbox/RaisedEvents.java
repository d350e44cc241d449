package dev.postbox.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A small holder for the events an entity raises; keep it in a {@code @Transient} field and return
 * {@link #drain()} from {@link OutboxEventSource#drainOutboxEvents()}. Not thread-safe, like the entity.
 */
public final class RaisedEvents {

    private List<OutboxEvent> events = new ArrayList<>();

    public void raise(OutboxEvent event) {
        events.add(Objects.requireNonNull(event, "event"));
    }

    /** Builds and raises an event with no headers. */
    public OutboxEvent raise(String aggregateType, Object aggregateId, String type, Object payload) {
        OutboxEvent event = OutboxEvent.of(aggregateType, aggregateId, type, payload);
        raise(event);
        return event;
    }

    /** The raised events, oldest first; the holder is empty afterwards. */
    public List<OutboxEvent> drain() {
        if (events.isEmpty()) {
            return List.of();
        }
        List<OutboxEvent> drained = events;
        events = new ArrayList<>();
        return drained;
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    public int size() {
        return events.size();
    }
}

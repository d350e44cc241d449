package dev.postbox.relay;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One outbox row as the relay hands it to a {@link RelaySink}.
 *
 * @param id the outbox row id; also the {@code id} header in Kafka and the {@code webhook-id} of webhooks, so
 *     consumers can deduplicate (delivery is at least once)
 * @param aggregateType routes the event (Kafka topic {@code outbox.event.<aggregateType>} by default)
 * @param aggregateId the message key; order is kept per aggregate ({@code aggregateType}, {@code aggregateId})
 * @param type the event type, e.g. {@code OrderPlaced}
 * @param payload the payload as JSON text (an object, array or scalar), or null when the row had none
 * @param headers string headers from the row's {@code headers} column (e.g. {@code traceparent}), never null; kept
 *     in the order given (the column's order), so every relay sends them in the same order
 * @param timestamp the row's {@code timestamp} column
 * @param sourcePosition where the event sits in the database log (LSN and transaction id), for logs only
 */
public record RelayEvent(UUID id, String aggregateType, String aggregateId, String type, String payload,
        Map<String, String> headers, Instant timestamp, String sourcePosition) {

    public RelayEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timestamp, "timestamp");
        headers = headers == null ? Map.of() : orderedCopy(headers);
        sourcePosition = sourcePosition == null ? "" : sourcePosition;
    }

    /** An unmodifiable copy that keeps the order (Map.copyOf's order differs from one JVM to the next). */
    private static Map<String, String> orderedCopy(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "header name"),
                Objects.requireNonNull(value, () -> "value of header " + name)));
        return Collections.unmodifiableMap(copy);
    }

    /** Short description for logs: id, aggregate and type, never the payload. */
    public String describe() {
        return "event " + id + " (" + type + ") of aggregate " + aggregateType + "/" + aggregateId;
    }
}

package dev.postbox.outbox.internal;

import java.time.Instant;
import java.util.UUID;

/** An event serialized and ready to insert: exactly the values of one outbox row. */
public record PreparedEvent(
        UUID id,
        String aggregateType,
        String aggregateId,
        String type,
        String payloadJson,
        Instant timestamp,
        String headersJson,
        String tracingSpanContext,
        String description) {
}

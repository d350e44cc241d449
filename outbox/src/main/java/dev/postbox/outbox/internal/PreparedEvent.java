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
        Object source) {

    /** How the event is named in errors and logs; built only when needed. */
    public String description() {
        return String.valueOf(source);
    }
}

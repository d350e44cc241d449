package dev.postbox.outbox;

import dev.postbox.outbox.internal.UuidV7;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One outgoing event: what happened ({@link #type()}) to which aggregate ({@link #aggregateType()},
 * {@link #aggregateId()}), with a payload serialized to JSON when it is written.
 *
 * <p>The aggregate type chooses the destination (with the relay's default routing, the Kafka topic
 * {@code outbox.event.<aggregateType>}); the aggregate id is the message key, so events of one aggregate keep
 * their order. The id is a time-ordered UUID (version 7) generated when the event is built; consumers use it to
 * deduplicate. Immutable and thread-safe as long as the payload is.
 */
public final class OutboxEvent {

    /** Longest aggregate type, aggregate id and event type the outbox table accepts. */
    public static final int MAX_NAME_LENGTH = 255;
    /** W3C trace context header carried to the message and to Debezium's tracing column. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private final UUID id;
    private final String aggregateType;
    private final String aggregateId;
    private final String type;
    private final Object payload;
    private final Map<String, String> headers;
    private final Instant timestamp;

    private OutboxEvent(Builder b) {
        this.id = b.id != null ? b.id : UuidV7.next();
        this.aggregateType = requireName("aggregateType", b.aggregateType);
        this.aggregateId = requireName("aggregateId", b.aggregateId);
        this.type = requireName("type", b.type);
        this.payload = b.payload;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.timestamp = b.timestamp != null ? b.timestamp : Instant.now();
    }

    /** An event with a payload and no headers. */
    public static OutboxEvent of(String aggregateType, Object aggregateId, String type, Object payload) {
        return builder(aggregateType, aggregateId, type).payload(payload).build();
    }

    /**
     * Starts an event.
     *
     * @param aggregateId any value; its {@code toString()} is stored (e.g. a Long or UUID primary key)
     */
    public static Builder builder(String aggregateType, Object aggregateId, String type) {
        return new Builder(aggregateType, aggregateId == null ? null : aggregateId.toString(), type);
    }

    public UUID id() {
        return id;
    }

    public String aggregateType() {
        return aggregateType;
    }

    public String aggregateId() {
        return aggregateId;
    }

    public String type() {
        return type;
    }

    /**
     * The payload as given: a {@code String} of JSON text, a {@code jakarta.json.JsonValue}, {@code null}, or any
     * object the configured {@link PayloadSerializer} turns into JSON (JSON-B by default).
     */
    public Object payload() {
        return payload;
    }

    /** Extra message headers, in insertion order. */
    public Map<String, String> headers() {
        return headers;
    }

    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        // No payload: it may hold personal data and this string ends up in logs.
        return type + " of " + aggregateType + "/" + aggregateId + " (event " + id + ")";
    }

    private static String requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("outbox event " + what + " must not be blank");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("outbox event " + what + " is longer than " + MAX_NAME_LENGTH
                    + " characters: " + value.substring(0, 40) + "...");
        }
        return value;
    }

    /** Builds an {@link OutboxEvent}. Not thread-safe. */
    public static final class Builder {
        private final String aggregateType;
        private final String aggregateId;
        private final String type;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object payload;
        private UUID id;
        private Instant timestamp;

        private Builder(String aggregateType, String aggregateId, String type) {
            this.aggregateType = aggregateType;
            this.aggregateId = aggregateId;
            this.type = type;
        }

        public Builder payload(Object payload) {
            this.payload = payload;
            return this;
        }

        /** Adds a message header; a later value for the same name replaces the earlier one. */
        public Builder header(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("outbox event header name must not be blank");
            }
            headers.put(name, Objects.requireNonNull(value, () -> "value of outbox event header " + name));
            return this;
        }

        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /** Sets the W3C {@code traceparent} header (and optionally {@code tracestate}) for tracing. */
        public Builder traceContext(String traceparent, String tracestate) {
            header(TRACEPARENT, traceparent);
            if (tracestate != null && !tracestate.isEmpty()) {
                header(TRACESTATE, tracestate);
            }
            return this;
        }

        /** Overrides the generated id, e.g. to derive it from a business id. */
        public Builder id(UUID id) {
            this.id = Objects.requireNonNull(id, "id");
            return this;
        }

        /** Overrides the creation time (default: now). */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
            return this;
        }

        public OutboxEvent build() {
            return new OutboxEvent(this);
        }
    }
}

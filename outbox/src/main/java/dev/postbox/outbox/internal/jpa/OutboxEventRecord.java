package dev.postbox.outbox.internal.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * The outbox table as a JPA entity, so that JPA schema generation creates it like the shipped SQL script does.
 * Include it with {@code <mapping-file>META-INF/postbox-outbox-entity.xml</mapping-file>}. Postbox writes rows
 * with JDBC, never through this entity; reading it (audit screens) is fine.
 */
@Entity(name = "PostboxOutboxEvent")
@Table(name = "outbox_event", indexes = {
    @Index(name = "outbox_event_aggregate_idx", columnList = "aggregatetype, aggregateid, timestamp"),
    @Index(name = "outbox_event_timestamp_idx", columnList = "timestamp")
})
public class OutboxEventRecord {

    @Id
    @Column(name = "id", nullable = false)
    private UUID id;

    @Column(name = "aggregatetype", nullable = false, length = 255)
    private String aggregateType;

    @Column(name = "aggregateid", nullable = false, length = 255)
    private String aggregateId;

    @Column(name = "type", nullable = false, length = 255)
    private String type;

    @Column(name = "payload", columnDefinition = "jsonb")
    private String payload;

    @Column(name = "timestamp", nullable = false, columnDefinition = "timestamptz default now()")
    private Instant timestamp;

    @Column(name = "headers", nullable = false, columnDefinition = "jsonb default '{}'::jsonb")
    private String headers;

    @Column(name = "tracingspancontext", length = 512)
    private String tracingSpanContext;

    protected OutboxEventRecord() {
    }

    public UUID getId() {
        return id;
    }

    public String getAggregateType() {
        return aggregateType;
    }

    public String getAggregateId() {
        return aggregateId;
    }

    public String getType() {
        return type;
    }

    public String getPayload() {
        return payload;
    }

    public Instant getTimestamp() {
        return timestamp;
    }

    public String getHeaders() {
        return headers;
    }

    public String getTracingSpanContext() {
        return tracingSpanContext;
    }
}

package dev.postbox.outbox.internal;

import dev.postbox.outbox.Outbox;
import dev.postbox.outbox.OutboxEvent;
import dev.postbox.outbox.OutboxException;
import dev.postbox.outbox.PayloadSerializer;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The outbox core: buffers events per JTA transaction and writes them on the transaction's connection in an
 * interposed synchronization's {@code beforeCompletion}, i.e. after the JPA provider's own flush (JTA runs
 * interposed synchronizations after ordinary ones) and before the commit. A failed write throws from
 * {@code beforeCompletion}, which rolls the whole transaction back: events are never lost while the business
 * change commits.
 *
 * <p>Depends only on JTA's {@link TransactionSynchronizationRegistry} and a {@link DataSource}; no CDI.
 */
public final class TransactionalOutbox implements Outbox {

    private static final Logger LOG = Logger.getLogger(TransactionalOutbox.class.getName());

    private final TransactionSynchronizationRegistry registry;
    private final DataSource dataSource;
    private final OutboxWriter writer;
    private final PayloadSerializer serializer;
    private final OutboxSettings settings;
    /** Identifies this outbox's buffer among the transaction's resources. */
    private final Object resourceKey = new Object();
    /**
     * Looked up once: the static {@code jakarta.json.Json} factory methods run a ServiceLoader lookup on every
     * call, which measured at about a millisecond per event.
     */
    private final JsonProvider json = JsonProvider.provider();

    public TransactionalOutbox(OutboxSettings settings, TransactionSynchronizationRegistry registry,
            DataSource dataSource, PayloadSerializer serializer) {
        this.settings = settings;
        this.registry = registry;
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.writer = new OutboxWriter(settings.table(), settings.deleteAfterInsert());
    }

    @Override
    public void publish(OutboxEvent event) {
        if (event == null) {
            throw new OutboxException("Outbox.publish(null): an event is required");
        }
        int status = registry.getTransactionStatus();
        if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
            throw new OutboxException("Outbox.publish(" + event + ") needs an active JTA transaction, but the "
                    + "transaction status is " + statusName(status) + ". Publish from a @Transactional method or an "
                    + "EJB business method, so that the event commits or rolls back with your change.");
        }
        PreparedEvent prepared = prepare(event);
        Pending pending = pending(true);
        if (pending.written) {
            throw new OutboxException("Outbox.publish(" + event + ") came after this transaction's outbox events "
                    + "were written (during commit). Publish before the transaction starts to commit; the "
                    + "transaction will roll back.");
        }
        pending.events.add(prepared);
    }

    /**
     * Registers this transaction's buffer now if a transaction is active, so that the synchronization exists
     * before commit begins. Does nothing outside transactions.
     */
    public void joinTransaction() {
        if (registry.getTransactionStatus() == Status.STATUS_ACTIVE) {
            pending(true);
        }
    }

    /** Events published in the current transaction and not yet written (for tests and diagnostics). */
    public int pendingCount() {
        Pending pending = pending(false);
        return pending == null ? 0 : pending.events.size();
    }

    private Pending pending(boolean create) {
        Pending pending = (Pending) registry.getResource(resourceKey);
        if (pending == null && create) {
            pending = new Pending();
            registry.putResource(resourceKey, pending);
            registry.registerInterposedSynchronization(pending);
        }
        return pending;
    }

    PreparedEvent prepare(OutboxEvent event) {
        String payload = payloadJson(event);
        if (payload != null) {
            int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > settings.maxPayloadBytes()) {
                throw new OutboxException("payload of " + event + " is " + bytes + " bytes, more than "
                        + OutboxSettings.MAX_PAYLOAD_BYTES + "=" + settings.maxPayloadBytes()
                        + "; store large content elsewhere and send a reference");
            }
        }
        Map<String, String> headers = event.headers();
        JsonObjectBuilder headerJson = json.createObjectBuilder();
        headers.forEach(headerJson::add);
        return new PreparedEvent(event.id(), event.aggregateType(), event.aggregateId(), event.type(), payload,
                event.timestamp(), headerJson.build().toString(), spanContext(headers), event.toString());
    }

    private String payloadJson(OutboxEvent event) {
        Object payload = event.payload();
        if (payload == null) {
            return null;
        }
        if (payload instanceof JsonValue value) {
            return value.toString();
        }
        if (payload instanceof String json) {
            try (JsonReader reader = this.json.createReader(new StringReader(json))) {
                reader.readValue();
            } catch (JsonException e) {
                throw new OutboxException("payload of " + event + " is a String but not JSON text ("
                        + e.getMessage() + "); pass an object to serialize or a jakarta.json.JsonValue", e);
            }
            return json;
        }
        try {
            return serializer.toJson(payload);
        } catch (RuntimeException e) {
            throw new OutboxException("payload of " + event + " (" + payload.getClass().getName()
                    + ") cannot be serialized to JSON by " + serializer.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    /** Debezium's tracing column holds {@code java.util.Properties} text; only W3C keys are carried. */
    private static String spanContext(Map<String, String> headers) {
        String traceparent = headers.get(OutboxEvent.TRACEPARENT);
        if (traceparent == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(OutboxEvent.TRACEPARENT).append('=').append(escape(traceparent));
        String tracestate = headers.get(OutboxEvent.TRACESTATE);
        if (tracestate != null) {
            sb.append('\n').append(OutboxEvent.TRACESTATE).append('=').append(escape(tracestate));
        }
        return sb.length() <= 512 ? sb.toString() : null;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String statusName(int status) {
        return switch (status) {
            case Status.STATUS_NO_TRANSACTION -> "NO_TRANSACTION (none)";
            case Status.STATUS_COMMITTED -> "COMMITTED";
            case Status.STATUS_ROLLEDBACK -> "ROLLEDBACK";
            case Status.STATUS_PREPARING, Status.STATUS_PREPARED -> "PREPARING";
            case Status.STATUS_COMMITTING -> "COMMITTING";
            case Status.STATUS_ROLLING_BACK -> "ROLLING_BACK";
            default -> "status " + status;
        };
    }

    /** The events of one transaction, written in its beforeCompletion. */
    private final class Pending implements Synchronization {
        private final List<PreparedEvent> events = new ArrayList<>();
        private boolean written;

        @Override
        public void beforeCompletion() {
            written = true;
            if (events.isEmpty()) {
                return;
            }
            if (registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
                return; // marked for rollback: nothing will commit, nothing to write
            }
            try (Connection connection = dataSource.getConnection()) {
                writer.write(connection, events);
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.fine("wrote " + events.size() + " outbox event(s) to " + settings.table() + ": "
                            + describe(events));
                }
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.SEVERE, "Could not write " + events.size() + " outbox event(s) to table "
                        + settings.table() + " (" + describe(events) + "); the transaction rolls back, so the "
                        + "business change is not committed either. Cause: " + e.getMessage(), e);
                if (e instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new OutboxException("writing outbox events to " + settings.table() + " failed: "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void afterCompletion(int status) {
            events.clear();
        }
    }

    private static String describe(List<PreparedEvent> events) {
        String text = events.stream().limit(5).map(PreparedEvent::description).collect(Collectors.joining(", "));
        return events.size() > 5 ? text + ", and " + (events.size() - 5) + " more" : text;
    }
}

package dev.postbox.outbox.internal;

import dev.postbox.common.internal.Jsonp;
import dev.postbox.common.internal.dialect.Dialects;
import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.common.internal.trace.TraceContext;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The outbox core: buffers events per JTA transaction and writes them in an interposed synchronization's
 * {@code beforeCompletion}, i.e. after the JPA provider's own flush (JTA runs interposed synchronizations after
 * ordinary ones) and before the commit. A failed write throws from {@code beforeCompletion}, which rolls the whole
 * transaction back: events are never lost while the business change commits.
 *
 * <p><b>Which connection.</b> The rows must go through a connection that is enlisted in the transaction. Asking the
 * data source for one during commit does not give that on Payara (it hands out another connection, in auto-commit
 * mode), nor does asking from inside a JPA lifecycle callback. So, in order of preference:
 * <ol>
 *   <li>the JPA provider's own connection, registered through {@link #useTransactionConnection} by the Hibernate
 *       integration whenever it flushes an entity that raises events;</li>
 *   <li>a connection taken from the data source by {@link #publish} itself, called from business code while the
 *       transaction was active, and held until commit;</li>
 *   <li>a connection taken from the data source at commit (fine on servers and test set-ups that share it).</li>
 * </ol>
 * Whatever the source, a connection in auto-commit mode is not part of the transaction: the outbox then refuses to
 * write and rolls the transaction back, naming the events, rather than committing them on their own. (Some
 * connections report auto-commit although they run in the transaction: Open Liberty's handles in a global
 * transaction, MariaDB's XA connections in their branch; then the database is asked, see
 * {@link OutboxWriter#inTransaction}.)
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
    /** Postbox's one cached provider: the static {@code jakarta.json.Json} factories look it up on every call. */
    private final JsonProvider json = Jsonp.provider();

    public TransactionalOutbox(OutboxSettings settings, TransactionSynchronizationRegistry registry,
            DataSource dataSource, PayloadSerializer serializer) {
        this.settings = settings;
        this.registry = registry;
        this.dataSource = dataSource;
        this.serializer = serializer;
        this.writer = new OutboxWriter(settings.table(), settings.deleteAfterInsert(),
                Dialects.byKey(settings.dialect()), settings.dataSource());
    }

    /**
     * Publishes from business code: besides buffering the event, takes the transaction's connection from the data
     * source now, while it is still handed out enlisted, and keeps it for the write at commit.
     */
    @Override
    public void publish(OutboxEvent event) {
        Pending pending = accept(event);
        if (pending.session == null && pending.held == null && !pending.heldRefused) {
            pending.holdConnection();
        }
    }

    /**
     * Publishes from a JPA lifecycle callback. Takes no connection: one requested inside a callback is not the
     * transaction's on some servers. The write then needs the provider's connection
     * ({@link #useTransactionConnection}) or one held by an explicit {@link #publish}.
     */
    public void publishFromCallback(OutboxEvent event) {
        accept(event);
    }

    /**
     * Tells the outbox which connection the JPA provider uses in the current transaction; used for the write at
     * commit. Does nothing outside an active transaction.
     */
    public void useTransactionConnection(TransactionConnection connection) {
        if (registry.getTransactionStatus() == Status.STATUS_ACTIVE) {
            pending(true).session = connection;
        }
    }

    private Pending accept(OutboxEvent event) {
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
        return pending;
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
                        + OutboxSettings.MAX_PAYLOAD_BYTES.name() + "=" + settings.maxPayloadBytes()
                        + "; store large content elsewhere and send a reference");
            }
        }
        Map<String, String> headers = withCurrentTrace(event.headers());
        String headersJson = "{}";
        if (!headers.isEmpty()) {
            JsonObjectBuilder headerJson = json.createObjectBuilder();
            headers.forEach(headerJson::add);
            headersJson = headerJson.build().toString();
        }
        return new PreparedEvent(event.id(), event.aggregateType(), event.aggregateId(), event.type(), payload,
                event.timestamp(), headersJson, spanContext(headers), event);
    }

    /**
     * The event's headers, plus the current span's W3C trace context when the event set none and the application
     * has OpenTelemetry (without it, {@link CurrentTrace} is always empty and the headers stay as they are).
     */
    static Map<String, String> withCurrentTrace(Map<String, String> headers) {
        if (headers.containsKey(OutboxEvent.TRACEPARENT)) {
            return headers;
        }
        Optional<TraceContext> trace = CurrentTrace.current();
        if (trace.isEmpty()) {
            return headers;
        }
        Map<String, String> traced = new LinkedHashMap<>(headers);
        traced.put(OutboxEvent.TRACEPARENT, trace.get().traceparent());
        if (trace.get().tracestate() != null && !headers.containsKey(OutboxEvent.TRACESTATE)) {
            traced.put(OutboxEvent.TRACESTATE, trace.get().tracestate());
        }
        return traced;
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
        private TransactionConnection session;
        private Connection held;
        private boolean heldRefused;

        void holdConnection() {
            try {
                Connection connection = dataSource.getConnection();
                boolean enlisted;
                try {
                    enlisted = writer.inTransaction(connection);
                } catch (SQLException | RuntimeException e) {
                    connection.close();
                    throw e;
                }
                if (!enlisted) {
                    // not enlisted here (e.g. publish called from a callback); try again at commit
                    heldRefused = true;
                    connection.close();
                } else {
                    held = connection;
                }
            } catch (SQLException e) {
                throw new OutboxException("the outbox could not get a connection from " + settings.dataSource()
                        + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void beforeCompletion() {
            written = true;
            if (events.isEmpty()) {
                return;
            }
            if (registry.getTransactionStatus() != Status.STATUS_ACTIVE) {
                return; // marked for rollback: nothing will commit, nothing to write
            }
            try {
                if (session != null) {
                    session.run(connection -> write(connection, "the JPA provider's connection"));
                } else if (held != null) {
                    write(held, "the connection taken at publish");
                } else {
                    try (Connection connection = dataSource.getConnection()) {
                        write(connection, "a connection from " + settings.dataSource() + " at commit");
                    }
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
            } finally {
                release();
            }
        }

        private void write(Connection connection, String source) throws SQLException {
            if (!writer.inTransaction(connection)) {
                throw new OutboxException("refusing to write " + events.size() + " outbox event(s) ("
                        + describe(events) + ") through " + source + ": it is in auto-commit mode, so it is not "
                        + "the transaction's connection and the events would commit on their own. Publish with "
                        + "Outbox.publish from the transactional method, or use Hibernate (its connection is used "
                        + "for entity events), and check that " + OutboxSettings.DATASOURCE.name() + "="
                        + settings.dataSource() + " is the JTA data source of your persistence unit.");
            }
            writer.write(connection, events);
            if (LOG.isLoggable(Level.FINE)) {
                LOG.fine("wrote " + events.size() + " outbox event(s) to " + settings.table() + " through "
                        + source + ": " + describe(events));
            }
        }

        private void release() {
            Connection connection = held;
            held = null;
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    LOG.log(Level.FINE, "closing the outbox's connection handle failed", e);
                }
            }
        }

        @Override
        public void afterCompletion(int status) {
            release(); // a rollback skips beforeCompletion
            events.clear();
            session = null;
        }
    }

    private static String describe(List<PreparedEvent> events) {
        String text = events.stream().limit(5).map(PreparedEvent::description).collect(Collectors.joining(", "));
        return events.size() > 5 ? text + ", and " + (events.size() - 5) + " more" : text;
    }
}

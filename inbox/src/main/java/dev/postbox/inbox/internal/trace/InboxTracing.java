package dev.postbox.inbox.internal.trace;

import dev.postbox.common.internal.trace.CurrentTrace;
import java.util.UUID;
import java.util.function.Function;

/**
 * Spans around the inbox's handler calls, without naming OpenTelemetry's types: {@link #NONE} when the application
 * has no OpenTelemetry, else {@link OpenTelemetryInboxTracing} (the only class that names them).
 */
public interface InboxTracing {

    /** Where a delivery came from: decides the span's kind and where its parent may be found. */
    enum Entry {
        /** An {@code @Idempotent} method other than a JAX-RS one, {@code Inbox.process}: CONSUMER. */
        MESSAGE,
        /** A JAX-RS method or {@code Inbox.processWebhook}: SERVER, or INTERNAL under the server's own span. */
        HTTP
    }

    /**
     * Starts the span of a delivery and makes it current on this thread until {@link Span#close()}. Its parent is the
     * current span when there is one (an instrumented server or consumer), else the W3C {@code traceparent} among
     * {@code headers} (null: none).
     */
    Span delivery(Entry entry, String scope, String key, Function<String, String> headers);

    /**
     * Starts the span of a run by the scheduler (a deferred retry, a received or replayed record): a new trace,
     * linked to {@code linkedTraceparent} (the record's first delivery; null: no link), current until closed.
     */
    Span scheduled(String scope, String key, UUID recordId, int attempt, String linkedTraceparent);

    /** Whether spans are made at all (false: {@link #NONE}); the stored trace context is read only then. */
    boolean enabled();

    /** One span; every method is cheap and never throws. */
    interface Span extends AutoCloseable {
        void attempt(int attempt);

        void recordId(UUID id);

        /** @param failure the handler's failure, or null; only its class name goes on the span, never its message */
        void outcome(String outcome, Throwable failure);

        @Override
        void close();
    }

    Span NO_SPAN = new Span() {
        @Override
        public void attempt(int attempt) {
        }

        @Override
        public void recordId(UUID id) {
        }

        @Override
        public void outcome(String outcome, Throwable failure) {
        }

        @Override
        public void close() {
        }
    };

    InboxTracing NONE = new InboxTracing() {
        @Override
        public Span delivery(Entry entry, String scope, String key, Function<String, String> headers) {
            return NO_SPAN;
        }

        @Override
        public Span scheduled(String scope, String key, UUID recordId, int attempt, String linkedTraceparent) {
            return NO_SPAN;
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /**
     * The tracing of an application: with OpenTelemetry's API on the class path, spans from {@code openTelemetry}
     * (an {@code io.opentelemetry.api.OpenTelemetry}, e.g. the CDI bean of MicroProfile Telemetry; null:
     * {@code GlobalOpenTelemetry}); without it, {@link #NONE}.
     */
    static InboxTracing of(Object openTelemetry) {
        return CurrentTrace.available() ? OpenTelemetryInboxTracing.create(openTelemetry) : NONE;
    }
}

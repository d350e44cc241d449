package dev.postbox.inbox.internal.trace;

import dev.postbox.inbox.internal.json.CanonicalJson;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The inbox's spans with OpenTelemetry; loaded only when its API is on the class path ({@link InboxTracing#of}).
 * Attributes never carry a key or a payload (an HTTP key may be a secret of the caller's): the key's hash, the
 * record id, the scope, the attempt and the outcome.
 */
final class OpenTelemetryInboxTracing implements InboxTracing {

    static final String INSTRUMENTATION = "dev.postbox.inbox";

    /** Null: GlobalOpenTelemetry, asked at each span (see {@link #create}). */
    private final Tracer tracer;

    private OpenTelemetryInboxTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * @param openTelemetry an {@code OpenTelemetry} (the CDI bean), or null for GlobalOpenTelemetry, which is then
     *     looked up when a span starts, never here: a {@code GlobalOpenTelemetry.get()} before the application (or
     *     an agent) calls {@code GlobalOpenTelemetry.set} would fix the global to a no-op and make that call fail
     */
    static InboxTracing create(Object openTelemetry) {
        return new OpenTelemetryInboxTracing(openTelemetry instanceof OpenTelemetry given
                ? given.getTracer(INSTRUMENTATION) : null);
    }

    private Tracer tracer() {
        return tracer != null ? tracer : GlobalOpenTelemetry.getTracer(INSTRUMENTATION);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    /**
     * The parent is the current span when there is one and it belongs to the sender's trace (an instrumented server
     * or consumer continued it), else the {@code traceparent} in {@code headers}. A current span of another trace
     * than the headers' (a server that started a trace of its own, as Payara Micro 6 did in {@code TraceIT}) is
     * linked instead, so the sender's trace goes on through the inbox.
     */
    @Override
    public Span delivery(Entry entry, String scope, String key, Function<String, String> headers) {
        Context current = Context.current();
        SpanContext server = io.opentelemetry.api.trace.Span.fromContext(current).getSpanContext();
        Context fromHeaders = headers == null ? null
                : W3CTraceContextPropagator.getInstance().extract(current, headers, HEADERS);
        SpanContext sender = fromHeaders == null ? SpanContext.getInvalid()
                : io.opentelemetry.api.trace.Span.fromContext(fromHeaders).getSpanContext();
        boolean underServer = server.isValid()
                && (!sender.isValid() || server.getTraceId().equals(sender.getTraceId()));
        SpanBuilder builder = tracer().spanBuilder("process " + scope);
        if (underServer || !sender.isValid()) {
            builder.setParent(current);
        } else {
            builder.setParent(fromHeaders);
            if (server.isValid()) {
                builder.addLink(server);
            }
        }
        builder.setSpanKind(entry == Entry.MESSAGE ? SpanKind.CONSUMER : underServer ? SpanKind.INTERNAL
                : SpanKind.SERVER);
        return start(builder, scope, key, "delivery");
    }

    @Override
    public Span scheduled(String scope, String key, UUID recordId, int attempt, String linkedTraceparent) {
        SpanBuilder builder = tracer().spanBuilder("process " + scope).setNoParent().setSpanKind(SpanKind.CONSUMER);
        if (linkedTraceparent != null) {
            SpanContext first = io.opentelemetry.api.trace.Span.fromContext(W3CTraceContextPropagator.getInstance()
                    .extract(Context.root(), Map.of("traceparent", linkedTraceparent), MAP)).getSpanContext();
            if (first.isValid()) {
                builder.addLink(first);
            }
        }
        Span span = start(builder, scope, key, "scheduler");
        span.recordId(recordId);
        span.attempt(attempt);
        return span;
    }

    private Span start(SpanBuilder builder, String scope, String key, String trigger) {
        io.opentelemetry.api.trace.Span span = builder
                .setAttribute("postbox.inbox.scope", scope)
                .setAttribute("postbox.inbox.key_hash", CanonicalJson.sha256Hex(key).substring(0, 16))
                .setAttribute("postbox.inbox.trigger", trigger)
                .startSpan();
        return new OtelSpan(span, span.makeCurrent());
    }

    private record OtelSpan(io.opentelemetry.api.trace.Span span, Scope scope) implements Span {
        @Override
        public void attempt(int attempt) {
            span.setAttribute("postbox.inbox.attempt", attempt);
        }

        @Override
        public void recordId(UUID id) {
            if (id != null) {
                span.setAttribute("postbox.inbox.record_id", id.toString());
            }
        }

        @Override
        public void outcome(String outcome, Throwable failure) {
            span.setAttribute("postbox.inbox.outcome", outcome);
            if (failure != null) {
                // the class only: a failure's message may quote the payload's values
                span.setAttribute("exception.type", failure.getClass().getName());
                span.setStatus(StatusCode.ERROR, failure.getClass().getName());
            }
        }

        @Override
        public void close() {
            scope.close();
            span.end();
        }
    }

    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
}

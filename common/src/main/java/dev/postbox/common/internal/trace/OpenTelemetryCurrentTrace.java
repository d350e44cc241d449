package dev.postbox.common.internal.trace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The only class of {@link CurrentTrace} that names OpenTelemetry's types; loaded only when they are present. */
final class OpenTelemetryCurrentTrace {

    private OpenTelemetryCurrentTrace() {
    }

    static Optional<TraceContext> current() {
        Context context = Context.current();
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid()) {
            return Optional.empty();
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3CTraceContextPropagator.getInstance().inject(context, carrier, (map, key, value) -> map.put(key, value));
        String traceparent = carrier.get(TraceContext.TRACEPARENT);
        if (traceparent == null) {
            return Optional.empty();
        }
        String tracestate = carrier.get(TraceContext.TRACESTATE);
        return Optional.of(new TraceContext(traceparent,
                tracestate == null || tracestate.isEmpty() ? null : tracestate));
    }
}

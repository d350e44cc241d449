package dev.postbox.common.internal.trace;

/**
 * A W3C trace context as carried in headers: {@code traceparent} (never null) and {@code tracestate} (null when
 * the trace has none).
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
}

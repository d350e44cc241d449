package dev.postbox.common.internal.trace;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The trace context of the current span, when the application has OpenTelemetry's API (a MicroProfile Telemetry
 * server, or the application's own). OpenTelemetry is optional: without its API on the class path
 * {@link #available()} is false and {@link #current()} is always empty; no class of it is ever loaded, because
 * every reference to its types lives in {@link OpenTelemetryCurrentTrace}, reached only after the check.
 */
public final class CurrentTrace {

    private static final Logger LOG = Logger.getLogger(CurrentTrace.class.getName());

    /** The API type every OpenTelemetry version since 1.0 has; its absence means "no tracing". */
    static final String SPAN_CLASS = "io.opentelemetry.api.trace.Span";

    private static volatile boolean available = detect();

    private CurrentTrace() {
    }

    private static boolean detect() {
        try {
            Class.forName(SPAN_CLASS, false, CurrentTrace.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether OpenTelemetry's API is on the class path (and worked when first used). */
    public static boolean available() {
        return available;
    }

    /** The {@code traceparent} of the current span, or null (see {@link #current()}). */
    public static String traceparent() {
        return current().map(TraceContext::traceparent).orElse(null);
    }

    /** The W3C trace context of the current span, or empty (no OpenTelemetry, no span, or an invalid one). */
    public static Optional<TraceContext> current() {
        if (!available) {
            return Optional.empty();
        }
        try {
            return OpenTelemetryCurrentTrace.current();
        } catch (LinkageError e) {
            // an incomplete OpenTelemetry (e.g. the API without its context jar): trace nothing from now on
            available = false;
            LOG.log(Level.WARNING, "OpenTelemetry's API is on the class path but cannot be used (" + e
                    + "); Postbox carries no trace context", e);
            return Optional.empty();
        }
    }
}

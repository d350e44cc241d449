package dev.postbox.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.common.internal.trace.CurrentTrace;
import dev.postbox.outbox.support.OutboxHarness;
import dev.postbox.outbox.support.Rows;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With OpenTelemetry on the class path (surefire's {@code with-opentelemetry} run): the outbox stores the current
 * span's W3C trace context in the row's headers and in Debezium's tracing column, unless the event set its own.
 */
class OutboxTraceContextOpenTelemetryTest {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static final SdkTracerProvider TRACING = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build();
    private static final Tracer TRACER = TRACING.get("outbox-test");

    private static OutboxHarness harness;

    @BeforeAll
    static void start() {
        harness = OutboxHarness.start(Map.of());
    }

    @AfterAll
    static void stop() {
        harness.close();
        TRACING.close();
    }

    @BeforeEach
    void clean() {
        harness.db.execute("delete from outbox_event");
    }

    private Map<String, Object> row() {
        List<Map<String, Object>> rows = Rows.query(harness.db, "select headers->>'traceparent' as tp, "
                + "headers->>'tracestate' as ts, tracingspancontext from outbox_event");
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    @Test
    void anEventPublishedInsideASpanCarriesThatSpansTraceparent() throws Exception {
        assertThat(CurrentTrace.available()).isTrue();
        Span span = TRACER.spanBuilder("place order").startSpan();
        // the span as the current one, with a vendor's trace state (as an incoming request would bring)
        Context context = Context.current().with(Span.wrap(SpanContext.create(span.getSpanContext().getTraceId(),
                span.getSpanContext().getSpanId(), span.getSpanContext().getTraceFlags(),
                TraceState.builder().put("vendor", "abc").build())));
        try (Scope ignored = context.makeCurrent()) {
            harness.inTransaction(() -> harness.outbox().publish("Order", "o-1", "OrderPlaced", Map.of("n", 1)));
        } finally {
            span.end();
        }
        String expected = "00-" + span.getSpanContext().getTraceId() + "-" + span.getSpanContext().getSpanId()
                + "-" + span.getSpanContext().getTraceFlags().asHex();
        Map<String, Object> row = row();
        assertThat(row).containsEntry("tp", expected).containsEntry("ts", "vendor=abc")
                .containsEntry("tracingspancontext", "traceparent=" + expected + "\ntracestate=vendor=abc");
    }

    @Test
    void aTraceContextTheEventSetWinsOverTheCurrentSpan() throws Exception {
        String own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Span span = TRACER.spanBuilder("place order").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            harness.inTransaction(() -> {
                harness.outbox().publish(OutboxEvent.builder("Order", "o-2", "OrderPlaced")
                        .traceContext(own, null).payload(Map.of()).build());
                return null;
            });
        } finally {
            span.end();
        }
        assertThat(row()).containsEntry("tp", own).containsEntry("tracingspancontext", "traceparent=" + own);
    }

    @Test
    void outsideAnySpanNothingIsAdded() throws Exception {
        harness.inTransaction(() -> harness.outbox().publish("Order", "o-3", "OrderPlaced", Map.of()));
        Map<String, Object> row = row();
        assertThat(row.get("tp")).isNull();
        assertThat(row.get("tracingspancontext")).isNull();
    }
}
